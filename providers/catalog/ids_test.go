package catalog

import (
	"strings"
	"testing"
)

// Issue 21: an unknown vendor id is an error that suggests the closest
// known one, or lists the known ones when none is close.
func TestCheckIDs(t *testing.T) {
	t.Parallel()
	known := []string{"openai", "anthropic", "vapi", "twilio"}
	for _, tc := range []struct {
		ids  []string
		want string // "" for no error
	}{
		{[]string{"openai", "vapi"}, ""},
		{[]string{"opena"}, "--vendor opena: no such vendor in the config; did you mean openai?"},
		{[]string{"vapi", "twillio"}, "--vendor twillio: no such vendor in the config; did you mean twilio?"},
		{[]string{"OpenAI"}, "did you mean openai?"},
		{[]string{"zzzzzz"}, "--vendor zzzzzz: no such vendor in the config (known: anthropic, openai, twilio, vapi)"},
	} {
		err := CheckIDs("--vendor", tc.ids, known, "in the config")
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckIDs(%q) = %v, want nil", tc.ids, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("CheckIDs(%q) = %v, want %q", tc.ids, err, tc.want)
		}
	}
	if err := CheckIDs("--only", []string{"x"}, nil, "in the config"); err != nil {
		t.Errorf("with nothing known: %v", err)
	}
}
