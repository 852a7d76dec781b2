package config

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"go.yaml.in/yaml/v3"
)

// strictNotFound is how yaml.v3's strict Decoder says a key is unknown.
var strictNotFound = regexp.MustCompile(`^line (\d+): field (\S+) not found in type config\.(\w+)$`)

// The options unknownOptions finds in the tree are the ones yaml.v3's
// strict Decoder reports from the text, at the same lines: in every part
// of the config, through anchors, aliases and merge keys, and not inside
// a value of the wrong kind or a type that reads its own YAML.
func TestUnknownOptionsAsTheStrictDecoder(t *testing.T) {
	t.Parallel()
	docs := []string{
		"interval: 1m\nbogus: 1\n",
		"vendors:\n  - id: openai\n    colour: red\n    status:\n      - url: https://x.test/s.json\n        fromat: statuspage\n",
		"vendors:\n  - id: a\n    api: {base_url: 'https://a.test', bogus: 1}\n    keys:\n      - name: prod\n        secret: env:K\n        sekret: env:L\n        headers: {X-A: b}\n",
		"vendors:\n  - id: a\n    admin:\n      secret: env:K\n      window: 5m\n    traffic: {errors: x, extra: 1}\n",
		"serve:\n  port: 1\n  tls: {cert: a, key: b, chain: c}\nnotify:\n  - type: slack\n    sound: on\n",
		"traffic: {prometheus: {url: 'http://p', bogus: 1}, thresholds: {nope: 2}}\nhistory: {retention: 1d, keep: 2}\n",
		"base: &base\n  id: a\n  colour: red\nvendors:\n  - <<: *base\n    name: A\n    shade: blue\n  - *base\n",
		"vendors:\n  - id: a\n    status: {url: x, bogus: 1}\n    keys: [{name: p, secret: {env: K, bogus: 1}}]\n",
		"vendors: 3\ninterval: [1, 2]\n",
		"vendors:\n  - id: a\n    holders: [{vendor: b, bogus: 1}]\n    components: [a, {b: 1}]\n",
		"# nothing\n",
	}
	for _, doc := range docs {
		var want []string
		dec := yaml.NewDecoder(bytes.NewReader([]byte(doc)))
		dec.KnownFields(true)
		var te *yaml.TypeError
		if err := dec.Decode(&Config{}); errors.As(err, &te) {
			for _, m := range te.Errors {
				if sub := strictNotFound.FindStringSubmatch(m); sub != nil {
					want = append(want, fmt.Sprintf("%s: unknown option %q in %s", sub[1], sub[2], where(sub[3])))
				}
			}
		}
		var root yaml.Node
		if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
			t.Fatal(err)
		}
		var p problems
		unknownOptions(&root, &p)
		var got []string
		for _, pr := range p.list {
			got = append(got, strconv.Itoa(pr.Line)+": "+pr.Msg)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q:\n got %q\nwant %q (the strict decoder)", doc, got, want)
		}
	}
}
