package statuspage

import (
	"bytes"
	"cmp"
	"io"
	"slices"
	"strings"

	"golang.org/x/net/html"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// An Atlassian Statuspage page is read through goquery, whose document
// costs about seven times the page's bytes: an 8 MiB page of 18,000
// components held 60 MB. Before the document is built, one pass of the
// HTML tokenizer (no tree, a few kilobytes) finds what the reader would
// leave out anyway, and the document is built from the page without it:
// the components over the limit (ranked as Cap ranks them), the
// unresolved incidents over the limit and the updates over the limit in
// each, the days of history after the first (only its date is read), and
// what is never read at all: scripts' and styles' text, <select> lists
// (each incident's subscribe form has one of 250 countries), <svg>
// drawings and comments.

// span is a byte range [start, end) of the page.
type span struct{ start, end int }

// pruned is what the pass found: the spans to leave out and what they
// held.
type pruned struct {
	drop []span
	// components counts the components of the page, matching those the
	// filter names, and incidents the unresolved incidents left out.
	components, matching, incidents int
	// updates counts the updates left out of each incident kept, in
	// page order.
	updates []int
}

// htmlElem is an open element during the pass.
type htmlElem struct {
	tag   string
	start int
	role  elemRole
	skip  bool
	// n counts an incident's updates; group is a group's name, from its
	// opener; named is a component's or opener's name being read.
	n     int
	group string
	named *htmlComp
}

type elemRole uint8

const (
	roleNone elemRole = iota
	roleComponent
	roleOpener   // a group's own row: its name is the group's
	roleGroup    // .component-container.is-group
	roleName     // .name inside a component or opener
	roleIncident // .unresolved-incident
	roleUpdate   // .update inside an incident
	roleDay      // .status-day
	roleDropped  // <select>, <svg>: left out whole
)

// htmlComp is a component (or a group's opener) as the pass saw it. Its
// name is the text of its first .name, or all its text when it has none,
// as htmlName reads it.
type htmlComp struct {
	span
	comp   observe.Component
	name   strings.Builder
	all    strings.Builder
	seen   bool // a .name was found
	inName int  // inside it
}

// finish sets the component's name from the text read.
func (c *htmlComp) finish() {
	name := c.all.String()
	if c.seen {
		name = c.name.String()
	}
	c.comp.Name = termtext.Line(name)
	c.name, c.all = strings.Builder{}, strings.Builder{}
}

// maxNameText bounds the text the pass collects for one name.
const maxNameText = 1024

// pruneHTML finds what the Atlassian layout reader would cut from data
// within l.
func (l Limits) pruneHTML(data []byte) pruned {
	var p pruned
	match := matcher(l.Keep)
	z := html.NewTokenizer(bytes.NewReader(data))
	var stack []htmlElem
	var comps []*htmlComp
	incidents, days := 0, 0
	off := 0
	// in returns the innermost open element of a role, or nil.
	in := func(r elemRole) *htmlElem {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].role == r {
				return &stack[i]
			}
		}
		return nil
	}
	// dropped reports whether an open element is left out whole: what is
	// inside it is not seen by the reader, so it is neither counted nor
	// read.
	dropped := func() bool {
		return slices.ContainsFunc(stack, func(e htmlElem) bool { return e.skip })
	}
	// named returns the component or opener whose name is being read.
	named := func() *htmlComp {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].named != nil {
				return stack[i].named
			}
		}
		return nil
	}
	// text adds the text token to the name being read.
	text := func() {
		c := named()
		if c == nil || dropped() {
			return
		}
		s := z.Text()
		if c.inName > 0 && c.name.Len() < maxNameText {
			c.name.Write(s)
		}
		if c.all.Len() < maxNameText {
			c.all.Write(s)
		}
	}
	// closeElem ends the element at the top of the stack at byte end.
	closeElem := func(end int) {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if e.skip {
			p.drop = append(p.drop, span{e.start, end})
		}
		switch e.role {
		case roleComponent:
			c := e.named
			c.end = end
			c.finish()
			if g := in(roleGroup); g != nil {
				c.comp.Group = g.group
			}
			if matches(c.comp, match) {
				p.matching++
			}
		case roleOpener:
			e.named.finish()
			if g := in(roleGroup); g != nil && g.group == "" {
				g.group = e.named.comp.Name // the first opener names the group
			}
		case roleName:
			if c := named(); c != nil {
				c.inName--
			}
		case roleIncident:
			if !e.skip { // the reader sees it
				omitted := 0
				if l.Updates > 0 {
					omitted = max(e.n-l.Updates, 0)
				}
				p.updates = append(p.updates, omitted)
			}
		}
	}
	for {
		tt := z.Next()
		raw := len(z.Raw())
		start := off
		off += raw
		switch tt {
		case html.ErrorToken:
			for len(stack) > 0 {
				closeElem(off)
			}
			return l.selectComponents(p, comps)
		case html.CommentToken:
			p.drop = append(p.drop, span{start, off})
		case html.TextToken:
			if len(stack) > 0 {
				if t := stack[len(stack)-1].tag; t == "script" || t == "style" {
					p.drop = append(p.drop, span{start, off})
					continue
				}
			}
			text()
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			i := len(stack) - 1
			for i >= 0 && stack[i].tag != tag {
				i--
			}
			if i < 0 {
				continue // a stray end tag: the parser ignores it too
			}
			for len(stack) > i+1 {
				closeElem(start) // elements the end tag closes implicitly
			}
			closeElem(off)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			e := htmlElem{tag: tag, start: start}
			var class, status, hook string
			hasStatus := false
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "class":
					class = string(v)
				case "data-component-status":
					status, hasStatus = string(v), true
				case "data-js-hook":
					hook = string(v)
				}
			}
			classes := strings.Fields(class)
			has := func(c string) bool { return slices.Contains(classes, c) }
			switch {
			case dropped():
				// Inside what is left out: only its tags are followed.
			case tag == "select" || tag == "svg":
				e.role, e.skip = roleDropped, true
			case hook == "component-group-opener":
				e.role, e.named = roleOpener, &htmlComp{}
			case hasStatus && has("component-inner-container"):
				e.role = roleComponent
				e.named = &htmlComp{span: span{start: start}, comp: observe.Component{State: ComponentState(status)}}
				comps = append(comps, e.named)
			case has("component-container") && has("is-group"):
				e.role = roleGroup
			case has("name") && named() != nil && !named().seen:
				// Only the first .name of a component counts.
				e.role = roleName
				named().seen = true
				named().inName++
			case has("unresolved-incident"):
				e.role = roleIncident
				incidents++
				if l.Incidents > 0 && incidents > l.Incidents {
					e.skip = true
					p.incidents++
				}
			case has("update") && in(roleIncident) != nil:
				e.role = roleUpdate
				inc := in(roleIncident)
				inc.n++
				e.skip = l.Updates > 0 && inc.n > l.Updates
			case has("status-day"):
				e.role = roleDay
				days++
				e.skip = days > 1
			}
			if tt == html.SelfClosingTagToken || voidElement(tag) {
				if e.skip {
					p.drop = append(p.drop, span{start, off})
				}
				continue
			}
			stack = append(stack, e)
		}
	}
}

// selectComponents keeps the best l.Components components and adds the
// others to the spans to leave out.
func (l Limits) selectComponents(p pruned, comps []*htmlComp) pruned {
	p.components = len(comps)
	if l.Components > 0 && len(comps) > l.Components {
		match := matcher(l.Keep)
		order := make([]int, len(comps))
		for i := range order {
			order[i] = i
		}
		rank := func(i int) int { return componentRank(comps[i].comp, match) }
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rank(b), rank(a)) })
		for _, i := range order[l.Components:] {
			p.drop = append(p.drop, comps[i].span)
		}
	}
	slices.SortFunc(p.drop, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	return p
}

// voidElement reports whether tag never has content or an end tag.
func voidElement(tag string) bool {
	switch tag {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr":
		return true
	}
	return false
}

// reader reads data without the dropped spans, which may nest.
func (p pruned) reader(data []byte) io.Reader {
	return &spanReader{data: data, drop: p.drop}
}

// spanReader reads data, skipping the spans in drop (sorted by start).
type spanReader struct {
	data []byte
	drop []span
	off  int
}

func (r *spanReader) Read(b []byte) (int, error) {
	for len(r.drop) > 0 && r.drop[0].start <= r.off {
		r.off = max(r.off, r.drop[0].end)
		r.drop = r.drop[1:]
	}
	if r.off >= len(r.data) {
		return 0, io.EOF
	}
	end := len(r.data)
	if len(r.drop) > 0 {
		end = r.drop[0].start
	}
	n := copy(b, r.data[r.off:end])
	r.off += n
	return n, nil
}

// note records in st, read from the pruned page, what the pass left out.
func (p pruned) note(st *observe.Status, l Limits) {
	st.ComponentsOmitted += componentsOmitted(st.Components, p.components, p.matching, matcher(l.Keep))
	st.IncidentsOmitted += p.incidents
	for i := range st.Incidents {
		if i < len(p.updates) {
			st.Incidents[i].UpdatesOmitted += p.updates[i]
		}
	}
}
