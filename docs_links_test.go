package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// The user documentation is README.md and docs/*.md, which link to each
// other's sections. These tests keep every relative link working: the
// file it names exists and, for a Markdown file, so does the heading its
// #anchor names, spelled the way GitHub spells heading anchors.

// TestDocsLinksResolve checks every relative link and anchor of README.md
// and docs/*.md.
func TestDocsLinksResolve(t *testing.T) {
	files, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{"README.md"}, files...)
	if len(files) < 10 {
		t.Fatalf("only %v: the documentation moved?", files)
	}
	problems, links := checkDocLinks(files)
	for _, p := range problems {
		t.Error(p)
	}
	// A checker that finds no link checks nothing: README alone links to
	// a dozen documents.
	if links < 50 {
		t.Errorf("only %d relative links found in %d files: is the link pattern still right?", links, len(files))
	}
}

// TestDocLinkCheckerFindsBrokenLinks gives the checker a small tree with
// one of each kind of mistake, and good links beside them.
func TestDocLinkCheckerFindsBrokenLinks(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("README.md", "# Tool\n\n"+
		"See [the guide](docs/guide.md), [its setup](docs/guide.md#set-up-serve---remote), "+
		"[the second one](docs/guide.md#notes-1) and [top](#tool).\n"+
		"Broken: [gone](docs/gone.md), [no such part](docs/guide.md#nowhere), [here](#missing).\n"+
		"In code, `[not a link](nowhere.md)` is left alone, and so is [the web](https://example.com/x#y).\n"+
		"```sh\n# not a heading\ncat [x](also-nowhere.md)\n```\n")
	write("docs/guide.md", "# Guide\n\n## Set up: `serve`, --remote\n\n## Notes\n\n## Notes\n\n"+
		"Back to [the start](../README.md#tool), [the config](../config.yaml) and [code](#not-a-heading).\n")
	write("config.yaml", "a: 1\n")

	var files []string
	for _, f := range []string{"README.md", "docs/guide.md"} {
		files = append(files, filepath.Join(dir, f))
	}
	problems, links := checkDocLinks(files)
	want := []string{
		"README.md:4: [gone](docs/gone.md): no such file",
		"README.md:4: [no such part](docs/guide.md#nowhere): docs/guide.md has no heading #nowhere",
		"README.md:4: [here](#missing): README.md has no heading #missing",
		"docs/guide.md:9: [code](#not-a-heading): docs/guide.md has no heading #not-a-heading",
	}
	for i := range problems {
		problems[i] = strings.TrimPrefix(problems[i], dir+string(filepath.Separator))
	}
	if !slices.Equal(problems, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
	if links != 10 {
		t.Errorf("%d relative links checked, want 10", links)
	}
}

func TestHeadingAnchor(t *testing.T) {
	for heading, want := range map[string]string{
		"Team server: serve, --remote and notifications": "team-server-serve---remote-and-notifications",
		"JSON output (schema_version 1)":                 "json-output-schema_version-1",
		"Prometheus, alerts and systemd":                 "prometheus-alerts-and-systemd",
		"--remote":                                       "--remote",
		"History and the incident report":                "history-and-the-incident-report",
		"The `--once` table":                             "the---once-table",
		"**Bold** and [a link](x.md)":                    "bold-and-a-link",
		"Überblick ✓":                                    "überblick-",
	} {
		if got := headingAnchor(heading); got != want {
			t.Errorf("headingAnchor(%q) = %q, want %q", heading, got, want)
		}
	}
}

var (
	// mdLink is an inline link or image: [text](target) or
	// [text](target "title"); the text may hold code spans.
	mdLink = regexp.MustCompile(`!?\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	// mdRefDef is a reference definition: [name]: target.
	mdRefDef = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*(\S+)`)
	// mdHeading is an ATX heading.
	mdHeading = regexp.MustCompile(`^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	// mdCodeSpan is an inline code span of one or more backticks.
	mdCodeSpan = regexp.MustCompile("(`+)[^`]*?(`+)")
	// urlScheme marks an absolute link (https:, mailto:), not checked here.
	urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// checkDocLinks checks the relative links of the Markdown files given and
// returns one problem per broken link, as "file:line: [text](target):
// what is wrong", and how many relative links it checked.
func checkDocLinks(files []string) (problems []string, links int) {
	anchors := map[string]map[string]bool{} // by cleaned path
	anchorsOf := func(path string) (map[string]bool, error) {
		if a, ok := anchors[path]; ok {
			return a, nil
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		a := headingAnchors(string(body))
		anchors[path] = a
		return a, nil
	}
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		for _, l := range markdownLinks(string(body)) {
			if l.target == "" || urlScheme.MatchString(l.target) {
				continue
			}
			links++
			where := fmt.Sprintf("%s:%d: [%s](%s)", file, l.line, l.text, l.target)
			path, anchor, _ := strings.Cut(l.target, "#")
			target := filepath.Clean(file)
			if path != "" {
				target = filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
			}
			if _, err := os.Stat(target); err != nil {
				problems = append(problems, where+": no such file")
				continue
			}
			if anchor == "" || !strings.HasSuffix(target, ".md") {
				continue
			}
			a, err := anchorsOf(target)
			if err != nil {
				problems = append(problems, where+": "+err.Error())
				continue
			}
			if !a[anchor] {
				rel, err := filepath.Rel(filepath.Dir(files[0]), target)
				if err != nil {
					rel = target
				}
				problems = append(problems, fmt.Sprintf("%s: %s has no heading #%s", where, filepath.ToSlash(rel), anchor))
			}
		}
	}
	return problems, links
}

// docLink is one link found in a Markdown file.
type docLink struct {
	line         int
	text, target string
}

// markdownLinks lists the links of a Markdown document outside code: not
// in fenced blocks, not in code spans.
func markdownLinks(body string) []docLink {
	var out []docLink
	eachProseLine(body, func(n int, line string) {
		// A code span's content is blanked, not removed, so a link whose
		// text is code ([`docs/`](docs/)) is still found whole.
		line = mdCodeSpan.ReplaceAllStringFunc(line, func(span string) string {
			return strings.Repeat("`", len(span))
		})
		for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
			out = append(out, docLink{line: n, text: m[1], target: m[2]})
		}
		if m := mdRefDef.FindStringSubmatch(line); m != nil {
			out = append(out, docLink{line: n, target: m[1]})
		}
	})
	return out
}

// headingAnchors lists the anchors GitHub gives a document's headings: a
// repeated heading gets -1, -2, … after its first.
func headingAnchors(body string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	eachProseLine(body, func(_ int, line string) {
		m := mdHeading.FindStringSubmatch(line)
		if m == nil {
			return
		}
		a := headingAnchor(m[2])
		if n := seen[a]; n > 0 {
			out[fmt.Sprintf("%s-%d", a, n)] = true
		} else {
			out[a] = true
		}
		seen[a]++
	})
	return out
}

// headingAnchor spells a heading's anchor as GitHub does: the heading's
// text (links become their text, code its content) in lower case, with
// every character but letters, digits, '-', '_' and spaces dropped and
// each space made a '-'.
func headingAnchor(heading string) string {
	heading = mdLink.ReplaceAllString(heading, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

// eachProseLine calls fn with each line outside fenced code blocks (```
// or ~~~), numbered from 1.
func eachProseLine(body string, fn func(n int, line string)) {
	fence := ""
	for i, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		switch {
		case fence != "":
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		case strings.HasPrefix(trimmed, "```"), strings.HasPrefix(trimmed, "~~~"):
			fence = trimmed[:3]
			continue
		}
		fn(i+1, line)
	}
}
