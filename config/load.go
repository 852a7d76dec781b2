package config

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vendorwatch/vendorwatch/internal/fileperm"
	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// EnvConfig names the environment variable that points at a config file.
const EnvConfig = "VENDORWATCH_CONFIG"

// KindChecker is what a Catalog may also do: say whether a finding kind
// exists (correlate's list) and, when not, the closest that does ("" when
// none is close), so a notifier's kinds: are checked. Without it only
// their shape is.
type KindChecker interface {
	FindingKind(kind string) (ok bool, closest string)
}

// Catalog tells the loader which vendor ids are built in, and which of
// them have an admin API vendorwatch reads.
type Catalog interface {
	// Has reports whether id is a catalog vendor.
	Has(id string) bool
	// Suggest returns the closest catalog id to a misspelt one, or "".
	Suggest(id string) string
	// AdminAPI says how vendorwatch reads the vendor's admin API; false
	// when it reads none.
	AdminAPI(id string) (AdminAPI, bool)
	// AdminVendors lists the vendors whose admin APIs vendorwatch reads.
	AdminVendors() []string
}

// AdminAPI is what the catalog says about a vendor's admin API.
type AdminAPI struct {
	// Reads says what is read, for messages ("the call records").
	Reads string
	// KeyFallback is true when, without admin.secret, the vendor's first
	// key that is not a canary reads it (VAPI's call records).
	KeyFallback bool
}

// Locate finds the config file: the --config flag, else $VENDORWATCH_CONFIG,
// else $XDG_CONFIG_HOME/vendorwatch/config.yaml (~/.config/...). It returns
// "" when no file is named and the default location holds none; a file that
// was named explicitly but is missing is an error.
func Locate(flagPath string) (string, error) {
	for _, p := range []struct{ path, from string }{{flagPath, "--config"}, {os.Getenv(EnvConfig), "$" + EnvConfig}} {
		if p.path == "" {
			continue
		}
		if _, err := os.Stat(p.path); err != nil {
			return "", fmt.Errorf("config file %s (from %s): %w", p.path, p.from, err)
		}
		return p.path, nil
	}
	def, err := DefaultPath()
	if err != nil {
		return "", nil //nolint:nilerr // no home directory: run with the built-in default
	}
	if _, err := os.Stat(def); err == nil {
		return def, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("config file %s: %w", def, err)
	}
	return "", nil
}

// DefaultPath is where the config file lives when nothing else is said.
// A relative $XDG_CONFIG_HOME is ignored, as the XDG base directory
// specification says: it would name another file in every directory.
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "vendorwatch", "config.yaml"), nil
}

// Load reads and validates the file at path. Who besides the process's
// user may read or change the file decides what it may hold: literal
// secrets only when nobody else can read it, cmd: secrets and command
// notifiers only when nobody else can change it.
func Load(path string, cat Catalog) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return parse(data, path, fileperm.Of(info), cat)
}

// Parse decodes and validates a config. file names it in messages; private
// says whether only its owner can read it, which is the one case in which a
// literal secret is allowed (a config that is not private is still taken
// to be one nobody else can change). Every problem is reported at once in
// a *Error.
func Parse(data []byte, file string, private bool, cat Catalog) (*Config, error) {
	a := fileperm.Access{Mode: 0o644, Owner: -1, Self: -1, POSIX: true}
	if private {
		a.Mode = 0o600
	}
	return parse(data, file, a, cat)
}

// parse is Parse for a file with the given access.
func parse(data []byte, file string, access fileperm.Access, cat Catalog) (*Config, error) {
	cfg := &Config{Path: file}
	var probs problems
	// The document is parsed once, to a tree, whose lines the problems
	// cite and whose values are searched for pasted keys; cfg is decoded
	// from the tree, and options it does not know are found in the tree
	// (unknownOptions), as yaml.v3's strict Decoder would report them.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		probs.addYAML(err)
		return nil, probs.err(file)
	}
	findKeyLike(&root, &probs)
	if root.Kind != 0 {
		if err := root.Decode(cfg); err != nil {
			probs.addYAML(err)
		}
		unknownOptions(&root, &probs)
	}
	cfg.applyDefaults()
	idx := newIndex(&root)
	for i := range cfg.Vendors {
		cfg.Vendors[i].Line = idx.vendor(i, "")
	}
	for i := range cfg.Notify {
		cfg.Notify[i].Line = idx.line("notify", i)
	}
	validate(cfg, idx, trust{file: cmp.Or(file, "the config"), access: access}, cat, &probs)
	if len(probs.list) > 0 {
		return nil, probs.err(file)
	}
	return cfg, nil
}

// Problem is one thing wrong with a config, at a line (0 when unknown).
type Problem struct {
	Line int
	Msg  string
}

// Error lists every problem found in a config file.
type Error struct {
	File     string
	Problems []Problem
}

// Error formats each problem as file:line: message, one per line.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s) in the config:", e.File, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(e.File)
		if p.Line > 0 {
			b.WriteString(":" + strconv.Itoa(p.Line))
		}
		b.WriteString(": " + p.Msg)
	}
	return b.String()
}

// problems collects what is wrong with a config, with the values that
// look like keys, which no message may quote.
type problems struct {
	list []Problem
	// hidden are the values that look like keys; keep are the indexes in
	// list of the messages that report them.
	hidden []hiddenValue
	keep   []int
}

// add records a problem. Its message may quote what the file says, where
// a key may have been pasted in the wrong place: scrubbed redacts it and
// makes it one printable line before it is shown.
func (p *problems) add(line int, format string, args ...any) {
	p.list = append(p.list, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// at reports whether a problem is already recorded at line.
func (p *problems) at(line int) bool {
	return slices.ContainsFunc(p.list, func(pr Problem) bool { return pr.Line == line })
}

var (
	yamlLine     = lazyregexp.New(`^(?:yaml: )?line (\d+): (.*)$`)
	yamlNotFound = lazyregexp.New(`^field (\S+) not found in type config\.(\w+)$`)
	yamlCannot   = lazyregexp.New("^cannot unmarshal !!(\\w+) `(.*)` into (.*)$")
)

// addYAML turns the YAML library's errors into problems with lines and
// messages a person can act on.
func (p *problems) addYAML(err error) {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	for _, m := range msgs {
		m = termtext.Line(m) // the decoder quotes values, newlines included
		line := 0
		if sub := yamlLine().FindStringSubmatch(m); sub != nil {
			line, _ = strconv.Atoi(sub[1])
			m = sub[2]
		}
		if sub := yamlNotFound().FindStringSubmatch(m); sub != nil {
			m = fmt.Sprintf("unknown option %q in %s", sub[1], where(sub[2]))
		} else if sub := yamlCannot().FindStringSubmatch(m); sub != nil {
			m = fmt.Sprintf("%q is a %s, want %s", sub[2], yamlKind(sub[1]), goKind(sub[3]))
		}
		p.add(line, "%s", m)
	}
}

func where(typ string) string {
	switch typ {
	case "Config":
		return "the top level"
	case "Vendor":
		return "a vendor"
	case "Source":
		return "a status source"
	case "API":
		return "api"
	case "Key":
		return "a key"
	case "Admin":
		return "admin"
	case "Serve":
		return "serve"
	case "Notifier":
		return "a notifier"
	case "Traffic":
		return "traffic"
	case "Prometheus":
		return "traffic prometheus"
	case "TrafficThresholds":
		return "traffic thresholds"
	case "VendorTraffic":
		return "a vendor's traffic"
	}
	return strings.ToLower(typ)
}

func yamlKind(k string) string {
	switch k {
	case "str":
		return "string"
	case "seq":
		return "list"
	case "map":
		return "mapping"
	}
	return k
}

func goKind(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case t == "int":
		return "a whole number"
	case t == "bool":
		return "true or false"
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "config."):
		return "a mapping"
	}
	return t
}

// err is the problems as a *Error, scrubbed of anything that looks like a
// key and sorted by line.
func (p *problems) err(file string) error {
	if file == "" {
		file = "config"
	}
	list := p.scrubbed(file)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Line < list[j].Line })
	return &Error{File: file, Problems: list}
}
