package redact

import "strings"

// keyPrefixes are the vendor key prefixes a fingerprint keeps, longest
// first so sk-proj- wins over sk-. They match how vendors mask keys in
// their own consoles and error messages (OpenAI sk-proj-…MxYA, Anthropic
// sk-ant-api03-…igAA, Stripe sk_live_…1234). A prefix is public: it says
// which vendor and kind of key, never which key, so the redactor leaves a
// run of it alone.
var keyPrefixes = []string{
	"sk-ant-admin01-", "sk-ant-api03-", "sk-svcacct-", "sk-admin-", "sk-proj-", "sk-ant-",
	"sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_",
	"lsv2_pt_", "lsv2_sk_", "gsk_", "xai-", "AIza", "sk-", "sk_",
}

// KeyPrefixes returns the public vendor key prefixes, longest first.
func KeyPrefixes() []string { return append([]string(nil), keyPrefixes...) }

// PublicPrefix is the vendor prefix key starts with (sk-proj-,
// sk-ant-api03-, AIza, ...), or "" when it starts with none.
func PublicPrefix(key string) string {
	for _, p := range keyPrefixes {
		if strings.HasPrefix(key, p) {
			return p
		}
	}
	return ""
}
