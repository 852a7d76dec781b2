package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// EnvConfig names the environment variable that points at a config file.
const EnvConfig = "VENDORWATCH_CONFIG"

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
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "vendorwatch", "config.yaml"), nil
}

// Load reads and validates the file at path.
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
	private := info.Mode().Perm()&0o077 == 0
	return Parse(data, path, private, cat)
}

// Parse decodes and validates a config. file names it in messages; private
// says whether only its owner can read it, which is the one case in which a
// literal secret is allowed. Every problem is reported at once in a
// *Error.
func Parse(data []byte, file string, private bool, cat Catalog) (*Config, error) {
	cfg := &Config{Path: file}
	var probs problems
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		probs.addYAML(err)
		return nil, probs.err(file)
	}
	if len(bytes.TrimSpace(data)) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
			probs.addYAML(err)
		}
	}
	cfg.applyDefaults()
	idx := newIndex(&root)
	for i := range cfg.Vendors {
		cfg.Vendors[i].Line = idx.vendor(i, "")
	}
	for i := range cfg.Notify {
		cfg.Notify[i].Line = idx.line("notify", i)
	}
	validate(cfg, idx, private, cat, &probs)
	if len(probs) > 0 {
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

type problems []Problem

// add records a problem. Its message quotes what the file says, where a
// key may have been pasted in the wrong place: anything that looks like a
// key is redacted, and the message is made one printable line, as
// check-config prints it.
func (p *problems) add(line int, format string, args ...any) {
	*p = append(*p, Problem{Line: line, Msg: termtext.Line(Redact(fmt.Sprintf(format, args...)))})
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

func (p problems) err(file string) error {
	if file == "" {
		file = "config"
	}
	sort.SliceStable(p, func(i, j int) bool { return p[i].Line < p[j].Line })
	return &Error{File: file, Problems: p}
}
