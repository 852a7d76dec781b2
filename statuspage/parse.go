package statuspage

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// parsers maps each format to its reader. Every reader is pure and must
// never panic, whatever the bytes.
var parsers = map[Format]func([]byte) (*Status, error){
	Statuspage: parseStatuspage,
}

// Parse reads data in the given format. It never panics; a body that is not
// the format wraps ErrWrongFormat.
func Parse(f Format, data []byte) (*Status, error) {
	parse, ok := parsers[f]
	if !ok {
		return nil, fmt.Errorf("format %q is not supported yet", f)
	}
	st, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	return st, nil
}

// Sniff guesses the format of a body from its bytes, or returns Auto when it
// cannot tell. It looks at structure only, never at the URL.
func Sniff(data []byte) Format {
	b := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(b) == 0 {
		return Auto
	}
	if b[0] == '{' {
		var keys map[string]json.RawMessage
		if json.Unmarshal(b, &keys) != nil {
			return Auto
		}
		has := func(k string) bool { _, ok := keys[k]; return ok }
		switch {
		case has("page") && (has("status") || has("components") || has("incidents")):
			return Statuspage
		}
	}
	return Auto
}
