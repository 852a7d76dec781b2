package config

import (
	"cmp"
	"net/url"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// notShown stands for a value a config message leaves out because it
// looks like a key.
const notShown = "[not shown]"

// LooksLikeKey reports whether Load would refuse s in a config as holding
// what looks like an API key (outside a secret reference). What writes a
// config from remote text (import-opml) keeps such text out of it.
func LooksLikeKey(s string) bool { return looksLikeKey(s) }

// looksLikeKey reports whether s holds anything shaped like an API key:
// one of the vendor prefixes, a bearer credential, a UUID or a long run
// mixing letters and digits (ReplaceKeyLike's shapes), also where it is
// glued to a word by an underscore (bogus_sk-proj-…, MY_5f0c9a1e-…). A
// token without a digit is taken for words ("Basic Authentication",
// "sk-learn-pipelines"): a random key of that length always has one.
func looksLikeKey(s string) bool {
	hit := false
	mark := func(tok string) string {
		hit = hit || strings.ContainsAny(tok, "0123456789")
		return tok
	}
	for rest, ok := s, true; ok && !hit; _, rest, ok = strings.Cut(rest, "_") {
		ReplaceKeyLike(rest, mark)
	}
	return hit
}

// keyGoes says where a key belongs instead.
const keyGoes = "a key goes only in a key's secret:, as env:NAME, file:PATH or cmd:COMMAND"

// twilioSID is the shape of a Twilio Account SID, which account: holds:
// an identifier, not a secret, though it looks like one.
var twilioSID = lazyregexp.New(`^AC[0-9a-fA-F]{32}$`)

// hiddenValue is a value of the file that looks like a key, at its line.
type hiddenValue struct {
	line  int
	value string
}

// findKeyLike walks the parsed file for values and option names that look
// like keys where no secret belongs, reports each by its option and line
// without quoting it, and remembers it so that no other message quotes it
// either. A key pasted into timeout:, id: or name: is a mistake: name: and
// id: are shown everywhere vendorwatch shows a vendor or a key.
//
// Secret references are left to their own checks (secret:, serve's
// token:, a notifier's url: and command:), as are account: holding a
// Twilio Account SID and URLs, which may carry long identifiers.
func findKeyLike(root *yaml.Node, p *problems) {
	var walk func(n *yaml.Node, top, key string)
	walk = func(n *yaml.Node, top, key string) {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, top, key)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if looksLikeKey(k.Value) {
					p.hide(k.Line, k.Value, "an option name looks like an API key (not shown): "+keyGoes)
					continue
				}
				t := top
				if t == "" {
					t = k.Value
				}
				field := k.Value
				if key == "headers" {
					field = "the header " + k.Value
				}
				walk(v, t, field)
			}
		case yaml.ScalarNode:
			if secretBearing(top, key, n.Value) || !looksLikeKey(n.Value) {
				return
			}
			p.hide(n.Line, n.Value, cmp.Or(key, "the file")+" holds what looks like an API key (not shown): "+keyGoes)
		}
	}
	walk(root, "", "")
}

// secretBearing reports whether the option key (under the top-level
// option top) may hold value although it looks like a key.
func secretBearing(top, key, value string) bool {
	switch {
	case key == "secret", (top == "serve" || top == "traffic") && key == "token", top == "notify" && (key == "url" || key == "command"):
		return true
	case key == "account":
		return twilioSID().MatchString(value)
	case key == "url" || key == "page_url" || key == "base_url":
		u, err := url.Parse(value)
		return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
	}
	return false
}

// hide records a value that looks like a key, with the one message that
// reports it.
func (p *problems) hide(line int, value, msg string) {
	p.hidden = append(p.hidden, hiddenValue{line: line, value: value})
	p.list = append(p.list, Problem{Line: line, Msg: msg})
	p.keep = append(p.keep, len(p.list)-1)
}

// scrubbed returns the problems as they may be shown. A problem about a
// value that looks like a key, at its line, gives way to the message that
// reports it as such; anywhere else the value is replaced by notShown.
// Last, every message is cleared of anything else shaped like a key and of
// every secret the process knows, so that no path through the loader
// quotes one: the YAML library's own messages quote values too. The
// file's own name, which messages repeat in their fixes, is left alone.
func (p *problems) scrubbed(file string) []Problem {
	keep := map[int]bool{}
	for _, i := range p.keep {
		keep[i] = true
	}
	out := make([]Problem, 0, len(p.list))
	for i, pr := range p.list {
		if !keep[i] {
			if p.quotesHidden(pr) {
				continue
			}
			for _, h := range p.hidden {
				pr.Msg = strings.ReplaceAll(pr.Msg, strconv.Quote(h.value), notShown)
				pr.Msg = strings.ReplaceAll(pr.Msg, h.value, notShown)
			}
		}
		parts := []string{pr.Msg}
		if file != "" {
			parts = strings.Split(pr.Msg, file)
		}
		for j, s := range parts {
			parts[j] = redact.String(ReplaceKeyLike(s, func(string) string { return notShown }))
		}
		pr.Msg = termtext.Line(strings.Join(parts, file))
		out = append(out, pr)
	}
	return out
}

// quotesHidden reports whether pr is about a hidden value at its own
// line: it quotes the value, or its first seven characters as the YAML
// library does ("cannot unmarshal !!str `sk-proj...`").
func (p *problems) quotesHidden(pr Problem) bool {
	for _, h := range p.hidden {
		if h.line == pr.Line && strings.Contains(pr.Msg, h.value[:min(len(h.value), 7)]) {
			return true
		}
	}
	return false
}
