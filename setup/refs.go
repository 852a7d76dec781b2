package setup

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// Ref is one way a config can reach a vendor's key: a secret reference
// (env:NAME or cmd:COMMAND), never the key.
type Ref struct {
	// Secret is the reference as the config writes it.
	Secret string
	// Name is the key's name in the config.
	Name string
	// Store is the secret store entry that holds the key (gcp:NAME,
	// op://VAULT/ITEM/FIELD), written as a holder; "" for env:.
	Store string
	// Note says where the reference comes from, for the form and the
	// file's comments: "set here: sk-proj-…MxYA", "not set here".
	Note string
	// Found is true for a variable that holds a key here.
	Found bool
}

// Refs are the references init offers for a vendor's key: each of its
// conventional variables (those set here first), then a cmd: for each
// secret manager whose tool is on the PATH. A vendor vendorwatch cannot
// probe has none.
func Refs(e catalog.Entry, f Found) []Ref {
	if e.Probe == nil || len(e.KeyEnv) == 0 {
		return nil
	}
	var refs []Ref
	found := f.KeysOf(e.ID)
	for _, k := range found {
		refs = append(refs, Ref{Secret: "env:" + k.Env, Name: k.Name(), Note: "set here: " + k.Fingerprint, Found: true})
	}
	for _, env := range e.KeyEnv {
		if !containsEnv(found, env) {
			k := catalog.EnvKey{Vendor: e.ID, Env: env}
			refs = append(refs, Ref{Secret: "env:" + env, Name: k.Name(), Note: "not set here"})
		}
	}
	for _, t := range f.Tools {
		if r, ok := storeRef(t, e); ok {
			refs = append(refs, r)
		}
	}
	return refs
}

func containsEnv(keys []FoundKey, env string) bool {
	for _, k := range keys {
		if k.Env == env {
			return true
		}
	}
	return false
}

// storeRef is the cmd: reference that reads a vendor's key from a secret
// manager, under a name the user is expected to adapt: the entry is named
// after the vendor's first conventional variable (openai-api-key,
// OPENAI_API_KEY) or after the vendor (op://Private/OpenAI/credential).
func storeRef(t Tool, e catalog.Entry) (Ref, bool) {
	env := e.KeyEnv[0]
	slug := strings.ToLower(strings.ReplaceAll(env, "_", "-"))
	name := strings.ToLower(env) + "_" + t.Command
	note := "adapt the entry name"
	switch t.Command {
	case "op":
		item := "op://Private/" + e.Name + "/credential"
		arg := item
		if strings.ContainsAny(item, " '") {
			arg = `"` + item + `"`
		}
		return Ref{Secret: "cmd:op read " + arg, Name: name, Store: item, Note: note}, true
	case "gcloud":
		return Ref{Secret: "cmd:gcloud secrets versions access latest --secret=" + slug, Name: name, Store: "gcp:" + slug, Note: note}, true
	case "firebase":
		return Ref{Secret: "cmd:firebase functions:secrets:access " + env, Name: name, Store: "firebase:" + env, Note: note}, true
	case "vault":
		return Ref{Secret: "cmd:vault kv get -mount=secret -field=api_key vendorwatch/" + e.ID, Name: name, Store: "vault:secret/vendorwatch/" + e.ID + "#api_key", Note: note}, true
	}
	return Ref{}, false
}

var envName = lazyregexp.New(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ErrLiteralKey is the answer to a key pasted where a reference belongs.
var ErrLiteralKey = errors.New("that looks like the key itself (not shown): init writes references only, never a key. Keep the key in the environment (export OPENAI_API_KEY=…) and write env:OPENAI_API_KEY, or give a command that prints it (cmd:op read op://Private/OpenAI/credential)")

// CheckRef checks a reference the user typed: env:NAME, file:PATH or
// cmd:COMMAND, and nothing that looks like a key. Its messages never
// quote what was typed, which may be a key.
func CheckRef(s string) error {
	s = strings.TrimSpace(s)
	kind, rest, ok := strings.Cut(s, ":")
	switch {
	case s == "":
		return errors.New("write env:NAME, file:PATH or cmd:COMMAND")
	case looksLikeKey(s) && !(ok && kind == "env" && !strings.Contains(rest, "=")):
		return ErrLiteralKey
	case !ok || (kind != "env" && kind != "file" && kind != "cmd"):
		return errors.New("a reference starts with env:, file: or cmd: (env:OPENAI_API_KEY, file:~/.config/vendorwatch/openai-key, cmd:op read op://Private/OpenAI/credential)")
	case strings.TrimSpace(rest) == "":
		return fmt.Errorf("%s: needs a value after the colon", kind)
	case kind == "env" && strings.Contains(rest, "="):
		return errors.New("env: takes a variable's name only, and this holds a value (not shown): export the variable where vendorwatch runs and write env:NAME")
	case kind == "env" && !envName().MatchString(strings.TrimSpace(rest)):
		if looksLikeKey(rest) {
			return ErrLiteralKey
		}
		return errors.New("env: wants one variable name (letters, digits and _, not starting with a digit)")
	}
	return nil
}

// looksLikeKey reports whether s holds a token shaped like an API key
// with a digit in it, as a random key always has.
func looksLikeKey(s string) bool {
	hit := false
	redact.ReplaceKeyLike(s, func(tok string) string {
		hit = hit || strings.ContainsAny(tok, "0123456789")
		return tok
	})
	return hit
}
