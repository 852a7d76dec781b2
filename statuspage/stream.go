package statuspage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// A JSON document's long lists are read one element at a time: the
// document is walked with a json.Decoder, each value decoded as it comes,
// so a list's elements can be converted and kept or dropped (a keeper)
// without the list ever being whole in memory. Every byte is scanned
// twice, as json.Unmarshal scans it.

// stream is a JSON array field read one element at a time: each element
// is handed to add as soon as it is decoded. A missing key or null leaves
// present false, as a nil pointer would; anything but an array is an
// error.
type stream[T any] struct {
	present bool
	add     func(T)
}

// decode reads the array at the decoder's position.
func (s *stream[T]) decode(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil // null
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("want an array, got %s", jsonKind(tok))
	}
	s.present = true
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			return err
		}
		s.add(v)
	}
	_, err = dec.Token() // ']'
	return err
}

// errNotObject says a document is JSON but not an object.
var errNotObject = errors.New("not an object")

// decodeFields walks the JSON object in data, calling the function that
// fields gives for each key (matched without regard to case, as
// json.Unmarshal matches struct fields) with the decoder positioned at its
// value. Other keys are skipped. Data that is not one JSON object is an
// error: errNotObject when it is other JSON.
func decodeFields(data []byte, fields map[string]func(*json.Decoder) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if err := trailing(dec); err != nil {
			return err
		}
		return errNotObject
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		read := fields[strings.ToLower(key)]
		if read == nil {
			var skip json.RawMessage
			read = func(dec *json.Decoder) error { return dec.Decode(&skip) }
		}
		if err := read(dec); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return err
	}
	return trailing(dec)
}

// trailing fails when anything but white space follows the document, as
// json.Unmarshal does.
func trailing(dec *json.Decoder) error {
	if tok, err := dec.Token(); err != io.EOF {
		if err != nil {
			return err
		}
		return fmt.Errorf("invalid %s after top-level value", jsonKind(tok))
	}
	return nil
}

// jsonKind names the kind of a JSON token for an error.
func jsonKind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}
