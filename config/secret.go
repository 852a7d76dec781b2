package config

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SecretKind says where a secret comes from.
type SecretKind string

// The secret reference kinds of DESIGN §4.
const (
	SecretEnv     SecretKind = "env"
	SecretFile    SecretKind = "file"
	SecretCmd     SecretKind = "cmd"
	SecretLiteral SecretKind = "literal"
)

// SecretRef is a reference to a secret: env:NAME, file:PATH, cmd:COMMAND, or
// (only in a file nobody else can read) the literal secret itself. Its
// String never shows a literal.
type SecretRef struct {
	Kind  SecretKind
	Value string
	// Line is where the reference was written, for messages.
	Line int
}

// ParseSecretRef reads a reference. Anything without a known prefix is a
// literal secret.
func ParseSecretRef(s string) (SecretRef, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return SecretRef{}, fmt.Errorf("empty secret; write env:NAME, file:PATH or cmd:COMMAND")
	}
	for _, k := range []SecretKind{SecretEnv, SecretFile, SecretCmd} {
		if rest, ok := strings.CutPrefix(s, string(k)+":"); ok {
			rest = strings.TrimSpace(rest)
			if rest == "" {
				return SecretRef{}, fmt.Errorf("%s: needs a value after the colon", k)
			}
			if k == SecretEnv {
				if err := checkEnvRef(rest); err != nil {
					return SecretRef{}, err
				}
			}
			return SecretRef{Kind: k, Value: rest}, nil
		}
	}
	return SecretRef{Kind: SecretLiteral, Value: s}, nil
}

// checkEnvRef checks what follows env:. Its messages never quote more
// than a variable name: what follows the name is most likely the key
// itself, pasted from a .env file (env:OPENAI_API_KEY=sk-proj-…).
func checkEnvRef(rest string) error {
	name, value, assigned := strings.Cut(rest, "=")
	name = strings.TrimSpace(strings.TrimPrefix(name, "export "))
	if !envName().MatchString(name) {
		name = ""
	}
	switch {
	case !assigned && looksLikeKey(rest):
		return fmt.Errorf("env: wants a variable's name, and this looks like the key itself (not shown): put the key in the environment (export OPENAI_API_KEY=…) and write env:OPENAI_API_KEY")
	case assigned && strings.TrimSpace(value) != "" && name != "":
		return fmt.Errorf("env:%[1]s=… holds the value itself: put the value in the environment, not the file (export %[1]s=… where vendorwatch runs), and write env:%[1]s", name)
	case assigned:
		return fmt.Errorf("env: wants a variable name only: put the value in the environment, not the file")
	case strings.HasPrefix(rest, "$") && envName().MatchString(rest[1:]):
		return fmt.Errorf("env: wants the variable's name without $: write env:%s", rest[1:])
	case !envName().MatchString(rest):
		return fmt.Errorf("env: wants one variable name (letters, digits and _, not starting with a digit)")
	}
	return nil
}

// IsZero reports whether no secret was given.
func (r SecretRef) IsZero() bool { return r.Kind == "" }

// String describes the reference without ever revealing a literal secret.
func (r SecretRef) String() string {
	switch r.Kind {
	case "":
		return ""
	case SecretLiteral:
		return "(literal in config)"
	}
	return string(r.Kind) + ":" + r.Value
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (r *SecretRef) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return typeError(n, "secret must be a string such as env:OPENAI_API_KEY")
	}
	ref, err := ParseSecretRef(n.Value)
	if err != nil {
		return typeError(n, "bad secret: %v", err)
	}
	ref.Line = n.Line
	*r = ref
	return nil
}

// MarshalYAML writes the reference back, never a literal secret.
func (r SecretRef) MarshalYAML() (any, error) { return r.String(), nil }
