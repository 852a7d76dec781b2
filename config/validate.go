package config

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// index finds the lines of values in the parsed YAML tree.
type index struct{ root *yaml.Node }

func newIndex(doc *yaml.Node) index {
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		return index{root: doc.Content[0]}
	}
	return index{root: doc}
}

// get returns the value node at a path of mapping keys and list indexes.
func (x index) get(path ...any) *yaml.Node {
	n := x.root
	for _, p := range path {
		if n == nil {
			return nil
		}
		switch p := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return nil
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next = n.Content[i+1]
				}
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || p >= len(n.Content) {
				return nil
			}
			n = n.Content[p]
		}
	}
	return n
}

// line returns the line of the value at path, or of the nearest parent that
// exists.
func (x index) line(path ...any) int {
	for len(path) > 0 {
		if n := x.get(path...); n != nil {
			return n.Line
		}
		path = path[:len(path)-1]
	}
	return 0
}

// vendor returns the line of vendors[i].key, or of vendors[i] itself.
func (x index) vendor(i int, key string, rest ...any) int {
	path := []any{"vendors", i}
	if key != "" {
		path = append(append(path, key), rest...)
	}
	return x.line(path...)
}

var idPattern = lazyregexp.New(`^[a-z0-9][a-z0-9._-]*$`)

// validate checks everything the YAML decoder cannot: value ranges, ids,
// references between vendors and secret references.
func validate(cfg *Config, x index, t trust, cat Catalog, p *problems) {
	checkMin := func(d Duration, min Duration, line int, name string) {
		if d != 0 && d < min {
			p.add(line, "%s %s is below the minimum of %s", name, d, min)
		}
	}
	checkMin(cfg.Interval, Duration(MinInterval), x.line("interval"), "interval")
	checkMin(cfg.ProbeInterval, Duration(MinProbeInterval), x.line("probe_interval"), "probe_interval")
	checkMin(cfg.Timeout, Duration(MinTimeout), x.line("timeout"), "timeout")
	checkMin(cfg.History.Retention, Duration(MinRetention), x.line("history", "retention"), "history retention")
	if cfg.Timeout > Duration(MaxTimeout) {
		p.add(x.line("timeout"), "timeout %s is above the maximum of %s", cfg.Timeout, Duration(MaxTimeout))
	}
	checkMin(cfg.ProbeTimeout, Duration(MinTimeout), x.line("probe_timeout"), "probe_timeout")
	if pt := cfg.ProbeTimeout; pt != 0 {
		// A probe that may last a whole interval leaves the next check no
		// time: a hanging API would then be flagged intervals late.
		shortest := cfg.ProbeInterval
		for _, v := range cfg.Vendors {
			if v.ProbeInterval != 0 && (shortest == 0 || v.ProbeInterval < shortest) {
				shortest = v.ProbeInterval
			}
		}
		if shortest == 0 {
			shortest = Duration(DefaultProbeInterval)
		}
		if pt >= shortest {
			p.add(x.line("probe_timeout"), "probe_timeout %s must be shorter than the probe interval (%s): a probe must end before the next one starts", pt, shortest)
		}
	}
	if cfg.Concurrency < 0 || cfg.Concurrency > 4096 {
		p.add(x.line("concurrency"), "concurrency %d must be between 1 and 4096", cfg.Concurrency)
	}

	seen := map[string]int{}
	for i, v := range cfg.Vendors {
		line := x.vendor(i, "id")
		switch {
		case v.ID == "":
			p.add(x.vendor(i, ""), "vendor #%d has no id", i+1)
		case !idPattern().MatchString(v.ID):
			p.add(line, "vendor id %q: use lower-case letters, digits, '.', '_' and '-'", v.ID)
		case seen[v.ID] > 0:
			p.add(line, "duplicate vendor id %q (first at line %d)", v.ID, seen[v.ID])
		default:
			seen[v.ID] = line
		}
		if v.ID != "" && len(v.Status) == 0 && (cat == nil || !cat.Has(v.ID)) {
			msg := "unknown vendor id %q: not in the catalog, and it has no status: sources"
			if s := suggest(cat, v.ID); s != "" {
				msg += " (did you mean " + `"` + s + `"?)`
			}
			p.add(line, msg, v.ID)
		}
		checkMin(v.Interval, Duration(MinInterval), x.vendor(i, "interval"), "interval")
		checkMin(v.ProbeInterval, Duration(MinProbeInterval), x.vendor(i, "probe_interval"), "probe_interval")
		if v.PageURL != "" {
			checkURL(v.PageURL, x.vendor(i, "page_url"), "page_url", p)
		}
		for j, s := range v.Status {
			sl := x.vendor(i, "status", j, "url")
			if s.URL == "" {
				p.add(x.vendor(i, "status", j), "status source #%d of %q has no url", j+1, v.ID)
			} else {
				checkURL(s.URL, sl, "status url", p)
			}
			f, err := statuspage.ParseFormat(string(s.Format))
			if err != nil {
				p.add(x.vendor(i, "status", j, "format"), "%v", err)
			}
			// format: html without a selector: is an Atlassian Statuspage
			// page on any host (its own domain or *.statuspage.io); the
			// page's content decides when it is read, and a page of
			// another layout is an error on that source then.
			if s.Selector != "" && f != statuspage.HTML {
				p.add(x.vendor(i, "status", j, "selector"), "selector: only applies to format: html")
			}
			if s.Healthy != "" {
				if _, err := regexp.Compile(s.Healthy); err != nil {
					p.add(x.vendor(i, "status", j, "healthy"), "healthy: bad regular expression: %v", err)
				}
			}
		}
		if v.API != nil {
			if v.API.BaseURL == "" {
				p.add(x.vendor(i, "api"), "api: needs base_url")
			} else {
				checkURL(v.API.BaseURL, x.vendor(i, "api", "base_url"), "api.base_url", p)
			}
			if v.API.Dashboard != "" {
				checkURL(v.API.Dashboard, x.vendor(i, "api", "dashboard"), "api.dashboard", p)
			}
		}
		keys := map[string]bool{}
		for j, k := range v.Keys {
			kl := x.vendor(i, "keys", j)
			if k.Name == "" {
				p.add(kl, "key #%d of %q has no name", j+1, v.ID)
			} else if keys[k.Name] {
				p.add(x.vendor(i, "keys", j, "name"), "duplicate key name %q in vendor %q", k.Name, v.ID)
			}
			keys[k.Name] = true
			checkSecret(k.Secret, x.vendor(i, "keys", j, "secret"), kl, t, p)
			checkKeyHeaders(k.Headers, x.vendor(i, "keys", j, "headers"), p)
			checkHolders(cfg, i, j, x, p)
		}
		checkKeysTestable(v, x, i, cat, p)
		if v.Admin != nil {
			checkAdmin(v, x, i, t, cat, p)
		}
	}

	known := map[string]bool{}
	for _, v := range cfg.Vendors {
		known[v.ID] = true
	}
	for i, v := range cfg.Vendors {
		for j, d := range v.DependsOn {
			switch {
			case d == v.ID:
				p.add(x.vendor(i, "depends_on", j), "vendor %q depends on itself", v.ID)
			case !known[d]:
				p.add(x.vendor(i, "depends_on", j), "vendor %q depends on %q, which is not in vendors:", v.ID, d)
			}
		}
	}
	if cycle := findCycle(cfg.Vendors); cycle != nil {
		first := slices.IndexFunc(cfg.Vendors, func(v Vendor) bool { return v.ID == cycle[0] })
		p.add(x.vendor(first, "depends_on"), "depends_on cycle: %s", strings.Join(cycle, " -> "))
	}
	validateServe(cfg, x, t, p)
	validateNotify(cfg, x, t, cat, p)
	validateTraffic(cfg, x, t, p)
}

func suggest(cat Catalog, id string) string {
	if cat == nil {
		return ""
	}
	return cat.Suggest(id)
}

func checkURL(raw string, line int, what string, p *problems) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.add(line, "%s %q is not an http(s) URL", what, raw)
	}
}

// checkSecret checks a secret reference at line (parent's line when the
// reference has none). A reference the decoder already refused at its line
// is not reported again as missing.
func checkSecret(ref SecretRef, line, parent int, t trust, p *problems) {
	if line == 0 {
		line = parent
	}
	switch ref.Kind {
	case "":
		if !p.at(line) {
			p.add(line, "missing secret: write env:NAME, file:PATH or cmd:COMMAND")
		}
	case SecretCmd:
		if _, err := SplitCommand(ref.Value); err != nil {
			p.add(line, "cmd: %v", err)
		} else if !t.commandsOK() {
			p.add(line, "%s", t.refuseCommand("a cmd: secret"))
		}
	case SecretLiteral:
		if !t.literalOK() {
			p.add(line, "%s", t.refuseLiteral("a literal secret"))
		}
	}
}

// findCycle returns the vendor ids of one depends_on cycle, closed (a -> b
// -> a), or nil.
func findCycle(vendors []Vendor) []string {
	deps := map[string][]string{}
	for _, v := range vendors {
		deps[v.ID] = v.DependsOn
	}
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(id string) []string
	visit = func(id string) []string {
		state[id] = active
		stack = append(stack, id)
		for _, d := range deps[id] {
			if d == id {
				continue // reported as "depends on itself"
			}
			switch state[d] {
			case active:
				start := slices.Index(stack, d)
				return append(slices.Clone(stack[start:]), d)
			case unseen:
				if _, ok := deps[d]; ok {
					if c := visit(d); c != nil {
						return c
					}
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
		return nil
	}
	for _, v := range vendors {
		if state[v.ID] == unseen {
			if c := visit(v.ID); c != nil {
				return c
			}
		}
	}
	return nil
}

// credentialHeaders carry keys; they are set from secret: only, so a key
// never sits in the config as a plain header value.
var credentialHeaders = []string{"authorization", "proxy-authorization", "cookie", "x-api-key", "xi-api-key", "x-goog-api-key", "api-key"}

func checkKeyHeaders(h map[string]string, line int, p *problems) {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch {
		case name == "" || strings.ContainsAny(name, " :\r\n\t"):
			p.add(line, "headers: %q is not a header name", name)
		case slices.Contains(credentialHeaders, strings.ToLower(name)):
			p.add(line, "headers: %s carries a credential; the key goes in secret:, never in headers:", name)
		case strings.ContainsAny(h[name], "\r\n"):
			p.add(line, "headers: the value of %s spans lines", name)
		}
	}
}

// checkAdmin validates a vendor's admin: block against what the catalog
// says of the vendor's admin API. Where a key can stand in (VAPI's call
// records) the secret may be left out; otherwise the admin key is needed.
// Without a catalog every vendor is taken to have one.
func checkAdmin(v Vendor, x index, i int, t trust, cat Catalog, p *problems) {
	a := v.Admin
	line := x.vendor(i, "admin")
	api, ok := AdminAPI{}, true
	if cat != nil {
		api, ok = cat.AdminAPI(v.ID)
	}
	switch {
	case !ok:
		p.add(line, "admin: works for %s only; vendor %q has no admin API vendorwatch reads", strings.Join(cat.AdminVendors(), ", "), v.ID)
	case api.KeyFallback && a.Secret.IsZero():
		// The first non-canary key reads it.
		if !slices.ContainsFunc(v.Keys, func(k Key) bool { return !k.Canary }) {
			p.add(line, "admin: on %s reads %s with secret:, or else with the first key that is not a canary; there is neither", v.ID, api.Reads)
		}
	default:
		if a.Secret.IsZero() {
			p.add(line, "admin: needs secret: (the %s admin key), e.g. secret: env:%s_ADMIN_KEY", v.ID, strings.ToUpper(v.ID))
			break
		}
		checkSecret(a.Secret, x.vendor(i, "admin", "secret"), line, t, p)
	}
	if a.Interval != 0 && a.Interval < Duration(MinAdminInterval) {
		p.add(x.vendor(i, "admin", "interval"), "admin interval %s is below the minimum of %s", a.Interval, Duration(MinAdminInterval))
	}
	if a.ExpiryWarning != 0 && a.ExpiryWarning < Duration(MinExpiryWarning) {
		p.add(x.vendor(i, "admin", "expiry_warning"), "admin expiry_warning %s is below the minimum of %s", a.ExpiryWarning, Duration(MinExpiryWarning))
	}
}
