package redact

import "strings"

// keyPrefixes are the vendor key prefixes a fingerprint keeps, longest
// first so sk-proj- wins over sk-. They match how vendors mask keys in
// their own consoles and error messages (OpenAI sk-proj-…MxYA, Anthropic
// sk-ant-api03-…igAA, Stripe sk_live_…1234). A prefix is public: it says
// which vendor and kind of key, never which key, so the redactor leaves a
// run of it alone. Each one is documented by its vendor: GitHub's token
// kinds (ghp_ classic, github_pat_ fine-grained, gho_ OAuth, ghu_ and ghs_
// app tokens, ghr_ refresh; github.blog 2021-04-05 and 2022-10-18),
// OpenRouter's sk-or-v1- (the masked label of GET /api/v1/key) and
// Cartesia's sk_car_ and sk_car_admin_ (docs.cartesia.ai API conventions).
var keyPrefixes = []string{
	"sk-ant-admin01-", "sk-ant-api03-", "sk_car_admin_", "sk-svcacct-", "github_pat_", "sk-admin-", "sk-or-v1-",
	"sk-proj-", "sk-ant-",
	"sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_",
	"lsv2_pt_", "lsv2_sk_", "sk_car_", "gsk_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xai-", "AIza", "sk-", "sk_",
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
