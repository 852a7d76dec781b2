package setup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// header opens every file init writes.
const header = `# vendorwatch config, written by vendorwatch init.
#
# No key is written here. Each key's secret: is a reference: env:NAME (an
# environment variable), file:PATH (a file readable by you alone) or
# cmd:COMMAND (a command that prints the key, such as a secret manager's CLI).
# Keep this file readable by you alone (init wrote it with mode 0600).
#
#   vendorwatch check-config   validate this file, resolve every key (fingerprints only)
#   vendorwatch                the dashboard
#   vendorwatch --once         one check: a table, exit code = level
#
# config.example.yaml in vendorwatch's source documents every option.

interval: 60s          # how often status pages are read
probe_interval: 60s    # how often each key is probed (free, read-only endpoints)
timeout: 10s           # per request

`

// Render writes the answers as a commented config. It holds references
// only: a reference that looks like a key is refused here too, so no
// path through init can write one.
func Render(cat *catalog.Catalog, f Found, a Answers) ([]byte, error) {
	if len(a.Vendors) == 0 {
		return nil, fmt.Errorf("no vendors chosen: a config needs at least one")
	}
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("vendors:\n")
	deps := a.dependsOn()
	for i, id := range a.Vendors {
		e, ok := cat.Get(id)
		if !ok {
			return nil, fmt.Errorf("vendor %q is not in the catalog", id)
		}
		if i > 0 {
			b.WriteString("\n")
		}
		if err := renderVendor(&b, cat, e, f, a.Keys[id], deps[id]); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// renderVendor writes one vendor: what is watched, its keys with their
// holders, and its admin key when one was found.
func renderVendor(b *bytes.Buffer, cat *catalog.Catalog, e catalog.Entry, f Found, keys []Key, deps []string) error {
	what := "its status page"
	if e.Page != "" {
		what += " " + e.Page
	}
	if e.Probe != nil {
		what += ", whether its API answers"
		if len(keys) > 0 {
			what += ", and the keys below"
		}
	}
	fmt.Fprintf(b, "  # %s%s: %s.\n", e.Name, categoryNote(e), what)
	fmt.Fprintf(b, "  - id: %s\n", plain(e.ID))
	if len(deps) > 0 {
		names := make([]string, len(deps))
		for i, d := range deps {
			names[i] = nameOf(cat, d)
		}
		commented(b, "    depends_on: ["+joinPlain(deps)+"]", e.Name+" holds your "+strings.Join(names, " and ")+" key")
	}
	switch {
	case len(keys) > 0:
		b.WriteString("    keys:\n")
		for _, k := range keys {
			if err := renderKey(b, cat, e, f, k); err != nil {
				return err
			}
		}
	case e.Probe != nil && len(e.KeyEnv) > 0:
		fmt.Fprintf(b, "    # No key yet. To probe one of yours (a free, read-only request), add:\n")
		fmt.Fprintf(b, "    # keys:\n    #   - name: %s\n    #     secret: env:%s\n", strings.ToLower(e.KeyEnv[0]), e.KeyEnv[0])
	}
	if env := f.AdminOf(e.ID); env != "" {
		reads := "its admin API"
		if e.Admin.Reads != "" {
			reads = e.Admin.Reads
		}
		b.WriteString("    admin:\n")
		commented(b, "      secret: env:"+env, "an admin key: vendorwatch reads "+reads)
	}
	return nil
}

// renderKey writes one key, its account id when the vendor needs one, and
// its holders.
func renderKey(b *bytes.Buffer, cat *catalog.Catalog, e catalog.Entry, f Found, k Key) error {
	if err := CheckRef(k.Secret); err != nil {
		return fmt.Errorf("key %s of %s: %w", k.Name, e.ID, err)
	}
	fmt.Fprintf(b, "      - name: %s\n", plain(k.Name))
	note := ""
	switch {
	case k.Found:
		note = "set in the environment when init ran"
	case strings.HasPrefix(k.Secret, "env:"):
		note = "not set when init ran: export it where vendorwatch runs"
	case k.Store != "":
		note = "adapt the entry's name to yours"
	}
	commented(b, "        secret: "+secretScalar(k.Secret), note)
	if e.AccountEnv != "" {
		account := ""
		for _, fk := range f.KeysOf(e.ID) {
			account = fk.Account
		}
		if accountID().MatchString(account) {
			commented(b, "        account: "+account, "from "+e.AccountEnv+": an account id, not a secret")
		} else {
			fmt.Fprintf(b, "        # account: AC…    the account id the probe needs (%s was not set)\n", e.AccountEnv)
		}
	}
	if len(k.HeldBy) == 0 && k.Store == "" {
		return nil
	}
	commented(b, "        holders:", "where else this key is held")
	for _, h := range k.HeldBy {
		commented(b, "          - {vendor: "+plain(h)+"}", nameOf(cat, h)+" stores this key to call "+e.Name+" for you")
	}
	if k.Store != "" {
		commented(b, "          - {secret: "+scalar(k.Store)+"}", "the secret store entry the command reads")
	}
	return nil
}

// commentColumn is where the comments after YAML lines start, when the
// line leaves room.
const commentColumn = 40

// commented writes a YAML line with a comment after it, the comments of
// a file lined up in one column.
func commented(b *bytes.Buffer, line, comment string) {
	b.WriteString(line)
	if comment != "" {
		pad := max(commentColumn-utf8.RuneCountInString(line), 2)
		b.WriteString(strings.Repeat(" ", pad) + "# " + comment)
	}
	b.WriteString("\n")
}

func categoryNote(e catalog.Entry) string {
	if len(e.Categories) == 0 {
		return ""
	}
	return " (" + strings.Join(e.Categories, ", ") + ")"
}

func nameOf(cat *catalog.Catalog, id string) string {
	if e, ok := cat.Get(id); ok && e.Name != "" {
		return e.Name
	}
	return id
}

// accountID is the shape of an account id written into the file (a
// Twilio Account SID, AC and 32 hexadecimal digits).
var accountID = lazyregexp.New(`^[A-Za-z0-9]{2,64}$`)

var plainID = lazyregexp.New(`^[a-z0-9][a-z0-9._-]*$`)

// plain writes an id or a name as a YAML scalar: bare when it is a
// simple identifier, quoted otherwise.
func plain(s string) string {
	if plainID().MatchString(s) {
		return s
	}
	return scalar(s)
}

func joinPlain(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = plain(id)
	}
	return strings.Join(out, ", ")
}

var envRef = lazyregexp.New(`^env:[A-Za-z_][A-Za-z0-9_]*$`)

// secretScalar writes a reference: env:NAME bare, as people write it,
// anything else quoted.
func secretScalar(s string) string {
	if envRef().MatchString(s) {
		return s
	}
	return scalar(s)
}

// scalar quotes s as a YAML double-quoted scalar: a JSON string is one.
func scalar(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}
