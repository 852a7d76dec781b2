package setup

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"charm.land/huh/v2"

	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// ErrCancelled is returned by Ask when the user leaves the form or
// declines to write the file.
var ErrCancelled = errors.New("init cancelled: nothing was written")

// Terminal is where the form runs.
type Terminal struct {
	In  io.Reader
	Out io.Writer
	// Accessible asks one question per line, with numbered choices,
	// instead of drawing the form: for screen readers, and for tests.
	Accessible bool
}

// other is the choice that asks for a reference typed by hand.
const other = "other:"

// Ask runs the interactive form, starting from the answers of --yes
// (start), and returns the user's answers: the categories, then the
// vendors in them, then each vendor's keys as references, then who holds
// each key, then the confirmation to write path. Each step is its own
// form, so later questions are built from earlier answers.
func Ask(ctx context.Context, cat *catalog.Catalog, f Found, start Answers, path string, t Terminal) (Answers, error) {
	run := func(groups ...*huh.Group) error {
		form := huh.NewForm(groups...).WithAccessible(t.Accessible).WithInput(t.In).WithOutput(t.Out)
		if err := form.RunWithContext(ctx); err != nil {
			if errors.Is(err, huh.ErrUserAborted) {
				return ErrCancelled
			}
			return fmt.Errorf("init form: %w", err)
		}
		return nil
	}
	a := Answers{Keys: map[string][]Key{}}

	cats := categoriesOf(cat, start.Vendors)
	intro := foundText(cat, f, path)
	if !t.Accessible {
		// The drawn note reads _ * and ` as Markdown; line by line it is
		// printed as it is.
		intro = noteEscaper.Replace(intro)
	}
	if err := run(huh.NewGroup(
		huh.NewNote().Title("vendorwatch init").Description(intro),
		huh.NewMultiSelect[string]().Title("Which kinds of vendor do you depend on?").
			Description("The next question offers the catalog's vendors of these kinds.").
			Options(categoryOptions(cat)...).Value(&cats).Height(12),
	)); err != nil {
		return Answers{}, err
	}

	a.Vendors = slices.Clone(start.Vendors)
	pick := huh.NewMultiSelect[string]().Title("Which vendors should vendorwatch watch?").
		Description("Their status pages are read; their APIs and your keys are probed where vendorwatch can. / filters.").
		Options(vendorOptions(cat, f, cats, start.Vendors)...).Value(&a.Vendors).Height(14)
	if !t.Accessible {
		// The accessible prompt repeats a question that fails validation,
		// forever once its input has ended: there the answer is checked
		// after the form instead.
		pick = pick.Validate(needVendor)
	}
	if err := run(huh.NewGroup(pick)); err != nil {
		return Answers{}, err
	}
	if err := needVendor(a.Vendors); err != nil {
		return Answers{}, err
	}

	if err := askKeys(run, cat, f, start, &a); err != nil {
		return Answers{}, err
	}
	if err := askHolders(run, cat, &a); err != nil {
		return Answers{}, err
	}
	// Writing is the default in the form; answering line by line, a
	// bare Enter (or the end of the input) declines.
	write := !t.Accessible
	if err := run(huh.NewGroup(huh.NewConfirm().Title("Write " + path + "?").
		Description(summary(a)).Affirmative("Write").Negative("Cancel").Value(&write))); err != nil {
		return Answers{}, err
	}
	if !write {
		return Answers{}, ErrCancelled
	}
	return a, nil
}

// needVendor refuses an empty choice of vendors.
func needVendor(v []string) error {
	if len(v) == 0 {
		return errors.New("choose at least one vendor")
	}
	return nil
}

// askKeys asks, per chosen vendor that vendorwatch can probe, which
// references reach its keys, then for the text of any reference to be
// typed by hand.
func askKeys(run func(...*huh.Group) error, cat *catalog.Catalog, f Found, start Answers, a *Answers) error {
	chosen := map[string]*[]string{}
	var groups []*huh.Group
	for _, id := range a.Vendors {
		e, _ := cat.Get(id)
		refs := Refs(e, f)
		if len(refs) == 0 {
			continue
		}
		picked := []string{}
		for _, k := range start.Keys[id] {
			picked = append(picked, k.Secret)
		}
		chosen[id] = &picked
		opts := make([]huh.Option[string], 0, len(refs)+1)
		for _, r := range refs {
			opts = append(opts, huh.NewOption(r.Secret+"   ("+r.Note+")", r.Secret))
		}
		opts = append(opts, huh.NewOption("another reference: type env:NAME, file:PATH or cmd:COMMAND", other))
		groups = append(groups, huh.NewGroup(huh.NewMultiSelect[string]().
			Title(fmt.Sprintf("Which keys of %s should vendorwatch probe?", e.Name)).
			Description("References, never the key: vendorwatch resolves them at each check. None: the status page only.").
			Options(opts...).Value(&picked).Filterable(false).Height(len(opts)+3)))
	}
	if len(groups) > 0 {
		if err := run(groups...); err != nil {
			return err
		}
	}
	typed := map[string]*string{}
	var inputs []*huh.Group
	for _, id := range a.Vendors {
		if p := chosen[id]; p != nil && slices.Contains(*p, other) {
			e, _ := cat.Get(id)
			s := ""
			typed[id] = &s
			inputs = append(inputs, huh.NewGroup(huh.NewInput().
				Title(fmt.Sprintf("The reference to your %s key", e.Name)).
				Description("env:NAME, file:PATH or cmd:COMMAND. Never paste the key itself.").
				Placeholder("env:"+e.KeyEnv[0]).Value(&s).Validate(CheckRef)))
		}
	}
	if len(inputs) > 0 {
		if err := run(inputs...); err != nil {
			return err
		}
	}
	for _, id := range a.Vendors {
		p := chosen[id]
		if p == nil {
			continue
		}
		e, _ := cat.Get(id)
		for _, r := range Refs(e, f) {
			if slices.Contains(*p, r.Secret) {
				a.Keys[id] = append(a.Keys[id], Key{Ref: r})
			}
		}
		if s := typed[id]; s != nil && CheckRef(*s) == nil {
			a.Keys[id] = append(a.Keys[id], typedKey(a.Keys[id], e, *s))
		}
	}
	return nil
}

// typedKey is the key for a reference typed by hand, named after its
// variable (env:CLAUDE_KEY is claude_key) or the vendor's first one.
func typedKey(keys []Key, e catalog.Entry, ref string) Key {
	ref = strings.TrimSpace(ref)
	base := strings.ToLower(e.KeyEnv[0])
	if name, ok := strings.CutPrefix(ref, "env:"); ok {
		base = strings.ToLower(strings.TrimSpace(name))
	}
	return Key{Ref: Ref{Secret: ref, Name: uniqueName(keys, base)}}
}

// uniqueName is base, or base_2, base_3…, whichever no key of keys has.
func uniqueName(keys []Key, base string) string {
	name := base
	for n := 2; slices.ContainsFunc(keys, func(k Key) bool { return k.Name == name }); n++ {
		name = fmt.Sprintf("%s_%d", base, n)
	}
	return name
}

// askHolders asks, per key, which of the other chosen vendors hold it.
func askHolders(run func(...*huh.Group) error, cat *catalog.Catalog, a *Answers) error {
	if len(a.Vendors) < 2 {
		return nil
	}
	var groups []*huh.Group
	for _, id := range a.Vendors {
		keys := a.Keys[id]
		for i := range keys {
			var opts []huh.Option[string]
			for _, h := range a.Vendors {
				if h != id {
					opts = append(opts, huh.NewOption(nameOf(cat, h), h))
				}
			}
			title := fmt.Sprintf("Which vendors hold your %s key?", nameOf(cat, id))
			if len(keys) > 1 {
				title = fmt.Sprintf("Which vendors hold your %s key %s?", nameOf(cat, id), keys[i].Name)
			}
			groups = append(groups, huh.NewGroup(huh.NewMultiSelect[string]().Title(title).
				Description("A vendor that stores this key to call "+nameOf(cat, id)+" for you, as VAPI stores an OpenAI key. "+
					"A revoked key then names its likely leak source, and a rotation lists who needs the new key. None: only your own services use it.").
				Options(opts...).Value(&keys[i].HeldBy).Filterable(false).Height(len(opts)+3)))
		}
	}
	if len(groups) == 0 {
		return nil
	}
	return run(groups...)
}

// categoriesOf are the categories of the given vendors, in the
// vocabulary's order.
func categoriesOf(cat *catalog.Catalog, ids []string) []string {
	var out []string
	for _, c := range catalog.CategoryNames() {
		for _, id := range ids {
			if e, ok := cat.Get(id); ok && slices.Contains(e.Categories, c) && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// categoryOptions are the categories that hold curated vendors, each
// with how many.
func categoryOptions(cat *catalog.Catalog) []huh.Option[string] {
	var opts []huh.Option[string]
	for _, c := range catalog.Categories {
		n := 0
		for _, e := range cat.All() {
			if slices.Contains(e.Categories, c.Name) {
				n++
			}
		}
		if n > 0 {
			opts = append(opts, huh.NewOption(fmt.Sprintf("%-13s %s (%d)", c.Name, c.What, n), c.Name))
		}
	}
	return opts
}

// vendorOptions are the curated vendors of the chosen categories, and
// the vendors already chosen, those with keys here first.
func vendorOptions(cat *catalog.Catalog, f Found, cats, chosen []string) []huh.Option[string] {
	var opts []huh.Option[string]
	add := func(e catalog.Entry) {
		if slices.ContainsFunc(opts, func(o huh.Option[string]) bool { return o.Value == e.ID }) {
			return
		}
		label := fmt.Sprintf("%-22s %s", e.Name, strings.Join(e.Categories, ", "))
		if keys := f.KeysOf(e.ID); len(keys) > 0 {
			label += "   key in $" + keys[0].Env
		}
		opts = append(opts, huh.NewOption(label, e.ID))
	}
	for _, id := range chosen {
		if e, ok := cat.Get(id); ok {
			add(e)
		}
	}
	for _, e := range cat.All() {
		if slices.ContainsFunc(e.Categories, func(c string) bool { return slices.Contains(cats, c) }) {
			add(e)
		}
	}
	return opts
}

// foundText says what init found on this machine and where it will
// write.
func foundText(cat *catalog.Catalog, f Found, path string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "This writes %s: the vendors to watch and references to your keys, never a key.\n\n", path)
	if len(f.Keys) == 0 {
		b.WriteString("No key found in the conventional variables (OPENAI_API_KEY, VAPI_API_KEY, …).\n")
	}
	for _, k := range f.Keys {
		fmt.Fprintf(&b, "Found $%s (%s), a key of %s.\n", k.Env, k.Fingerprint, nameOf(cat, k.Vendor))
	}
	for _, a := range f.Admins {
		fmt.Fprintf(&b, "Found $%s, an admin key of %s.\n", a.Env, nameOf(cat, a.Vendor))
	}
	for _, t := range f.Tools {
		fmt.Fprintf(&b, "On the PATH: %s (%s), offered as cmd: references.\n", t.Command, t.Store)
	}
	return strings.TrimRight(b.String(), "\n")
}

// noteEscaper keeps a drawn note's text literal.
var noteEscaper = strings.NewReplacer(`\`, `\\`, "_", `\_`, "*", `\*`, "`", "\\`")

// summary is the answers in one sentence, for the confirmation.
func summary(a Answers) string {
	holders := 0
	for _, ks := range a.Keys {
		for _, k := range ks {
			holders += len(k.HeldBy)
		}
	}
	return fmt.Sprintf("%d vendor(s): %s; %d key reference(s); %d vendor holder(s). The file holds references only.",
		len(a.Vendors), strings.Join(a.Vendors, ", "), a.KeyCount(), holders)
}

// LineReader hands r on one line per Read. The accessible form starts a
// new line scanner for every question; over a pipe or a file, the first
// one would otherwise swallow the answers to the questions after it.
func LineReader(r io.Reader) io.Reader { return &lineReader{r: bufio.NewReader(r)} }

type lineReader struct {
	r    *bufio.Reader
	rest []byte
}

func (l *lineReader) Read(p []byte) (int, error) {
	if len(l.rest) == 0 {
		line, err := l.r.ReadBytes('\n')
		if len(line) == 0 {
			return 0, err
		}
		l.rest = line
	}
	n := copy(p, l.rest)
	l.rest = l.rest[n:]
	return n, nil
}
