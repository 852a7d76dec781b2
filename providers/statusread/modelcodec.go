package statusread

import (
	"encoding/binary"
	"errors"
	"time"
	"unsafe"

	"github.com/vendorwatch/vendorwatch/observe"
)

// The model store (modelstore.go) keeps parsed models in a compact binary
// form of their own: every field of observe.Status and of its parts, in
// declaration order, as varints and length-prefixed strings. It is several
// times faster to write and to read than JSON or gob, keeps what JSON
// leaves out (Claims), and tells a nil list from an empty one, so a model
// read back is the model that was parsed, field for field.
//
// A field added to observe.Status or its parts must be added here too and
// codecVersion raised; TestModelCodecCoversEveryField fails until it is.
const codecVersion = 1

// errTruncated is what decoding a damaged or cut-off model returns.
var errTruncated = errors.New("model truncated")

// modelEncoder appends a model to b. clean, when set, is applied to every
// string of the model as it is written (the redactor).
type modelEncoder struct {
	b     []byte
	clean func(string) string
}

func (e *modelEncoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *modelEncoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }

func (e *modelEncoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *modelEncoder) str(s string) {
	if e.clean != nil {
		s = e.clean(s)
	}
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

// list writes a list's length, 0 for nil and n+1 for n elements, so the
// two come back as they were.
func (e *modelEncoder) list(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

func (e *modelEncoder) strs(ss []string) {
	e.list(len(ss), ss == nil)
	for _, s := range ss {
		e.str(s)
	}
}

// Times are written as seconds and nanoseconds with their zone: 0 for the
// zero time, 1 for UTC, 2 for the process's local zone, 3 for any other
// zone, by its name and offset.
func (e *modelEncoder) time(t time.Time) {
	switch {
	case t.IsZero():
		e.b = append(e.b, 0)
		return
	case t.Location() == time.UTC:
		e.b = append(e.b, 1)
	case t.Location() == time.Local:
		e.b = append(e.b, 2)
	default:
		name, off := t.Zone()
		e.b = append(e.b, 3)
		e.raw(name)
		e.int(int64(off))
	}
	e.int(t.Unix())
	e.uint(uint64(t.Nanosecond()))
}

// raw writes s as it is, never cleaned: the store's own fields.
func (e *modelEncoder) raw(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

// encodeModel appends st's binary form to b.
func encodeModel(b []byte, st *observe.Status) []byte {
	return (&modelEncoder{b: b}).model(st)
}

// model appends st's binary form to e.b and returns it.
func (e *modelEncoder) model(st *observe.Status) []byte {
	e.str(string(st.State))
	e.str(st.Description)
	e.str(st.PageURL)
	e.time(st.CheckedAt)
	e.list(len(st.Sources), st.Sources == nil)
	for _, s := range st.Sources {
		e.str(s.URL)
		e.str(s.Format)
		e.bool(s.OK)
		e.int(s.LatencyMS)
		e.str(s.Error)
		e.bool(s.Detected)
		e.bool(s.NotModified)
	}
	e.list(len(st.Components), st.Components == nil)
	for _, c := range st.Components {
		e.str(c.Name)
		e.str(c.Group)
		e.str(string(c.State))
	}
	e.list(len(st.Incidents), st.Incidents == nil)
	for _, in := range st.Incidents {
		e.str(in.ID)
		e.str(in.Title)
		e.str(in.Status)
		e.str(in.Impact)
		e.time(in.StartedAt)
		e.time(in.UpdatedAt)
		e.time(in.ResolvedAt)
		e.str(in.URL)
		e.strs(in.Components)
		e.str(in.LatestUpdate)
		e.list(len(in.Updates), in.Updates == nil)
		for _, u := range in.Updates {
			e.str(u.Status)
			e.str(u.Body)
			e.time(u.At)
		}
		e.int(int64(in.UpdatesOmitted))
		e.int(int64(in.ComponentsOmitted))
	}
	e.list(len(st.Maintenances), st.Maintenances == nil)
	for _, m := range st.Maintenances {
		e.str(m.ID)
		e.str(m.Title)
		e.str(m.Status)
		e.time(m.StartsAt)
		e.time(m.EndsAt)
		e.str(m.URL)
		e.strs(m.Components)
		e.int(int64(m.ComponentsOmitted))
	}
	e.int(int64(st.ComponentsOmitted))
	e.int(int64(st.IncidentsOmitted))
	e.int(int64(st.MaintenancesOmitted))
	e.bool(st.Claims)
	return e.b
}

// modelDecoder reads a model from b. The first error sticks: every later
// read returns zero values, and decodeModel reports it once at the end.
type modelDecoder struct {
	b   []byte
	err error
}

func (d *modelDecoder) fail() {
	if d.err == nil {
		d.err = errTruncated
	}
	d.b = nil
}

func (d *modelDecoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *modelDecoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *modelDecoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *modelDecoder) bool() bool { return d.byte() == 1 }

// str reads a string. It shares the decoder's bytes rather than copying
// them: a model's texts are most of its size, and a warm check of 5,000
// vendors would otherwise hold every text twice (11 MB), once in the model
// store's records and once in the models. This is safe because nothing
// writes to bytes a model is decoded from: the model store's records (a
// file's contents, decompressed into a buffer of their own, and the
// records this process encoded) are never changed once made, only
// replaced, and a string keeps its whole buffer alive.
func (d *modelDecoder) str() string {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	if n == 0 {
		return ""
	}
	s := unsafe.String(&d.b[0], int(n))
	d.b = d.b[n:]
	return s
}

// list reads a list's length and whether it is nil. A length longer than
// the bytes left (every element takes at least one) is damage, and is
// refused before anything is allocated for it.
func (d *modelDecoder) list() (n int, isNil bool) {
	v := d.uint()
	if v == 0 {
		return 0, true
	}
	if v-1 > uint64(len(d.b)) {
		d.fail()
		return 0, true
	}
	return int(v - 1), false
}

func (d *modelDecoder) strs() []string {
	n, isNil := d.list()
	if isNil {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *modelDecoder) time() time.Time {
	var loc *time.Location
	switch d.byte() {
	case 0:
		return time.Time{}
	case 1:
		loc = time.UTC
	case 2:
		loc = time.Local
	case 3:
		name := d.str()
		loc = time.FixedZone(name, int(d.int()))
	default:
		d.fail()
		return time.Time{}
	}
	sec := d.int()
	nsec := d.uint()
	if nsec >= 1e9 {
		d.fail()
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).In(loc)
}

// decodeModel reads a model encodeModel wrote. Damaged or cut-off input is
// an error, never a panic or a half model.
func decodeModel(b []byte) (*observe.Status, error) {
	d := &modelDecoder{b: b}
	st := &observe.Status{}
	st.State = observe.State(d.str())
	st.Description = d.str()
	st.PageURL = d.str()
	st.CheckedAt = d.time()
	if n, isNil := d.list(); !isNil {
		st.Sources = make([]observe.Source, n)
		for i := range st.Sources {
			s := &st.Sources[i]
			s.URL, s.Format, s.OK, s.LatencyMS = d.str(), d.str(), d.bool(), d.int()
			s.Error, s.Detected, s.NotModified = d.str(), d.bool(), d.bool()
		}
	}
	if n, isNil := d.list(); !isNil {
		st.Components = make([]observe.Component, n)
		for i := range st.Components {
			c := &st.Components[i]
			c.Name, c.Group, c.State = d.str(), d.str(), observe.State(d.str())
		}
	}
	if n, isNil := d.list(); !isNil {
		st.Incidents = make([]observe.Incident, n)
		for i := range st.Incidents {
			in := &st.Incidents[i]
			in.ID, in.Title, in.Status, in.Impact = d.str(), d.str(), d.str(), d.str()
			in.StartedAt, in.UpdatedAt, in.ResolvedAt = d.time(), d.time(), d.time()
			in.URL = d.str()
			in.Components = d.strs()
			in.LatestUpdate = d.str()
			if n, isNil := d.list(); !isNil {
				in.Updates = make([]observe.Update, n)
				for j := range in.Updates {
					u := &in.Updates[j]
					u.Status, u.Body, u.At = d.str(), d.str(), d.time()
				}
			}
			in.UpdatesOmitted, in.ComponentsOmitted = int(d.int()), int(d.int())
		}
	}
	if n, isNil := d.list(); !isNil {
		st.Maintenances = make([]observe.Maintenance, n)
		for i := range st.Maintenances {
			m := &st.Maintenances[i]
			m.ID, m.Title, m.Status = d.str(), d.str(), d.str()
			m.StartsAt, m.EndsAt = d.time(), d.time()
			m.URL = d.str()
			m.Components = d.strs()
			m.ComponentsOmitted = int(d.int())
		}
	}
	st.ComponentsOmitted, st.IncidentsOmitted, st.MaintenancesOmitted = int(d.int()), int(d.int()), int(d.int())
	st.Claims = d.bool()
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, errors.New("model followed by stray bytes")
	}
	return st, nil
}
