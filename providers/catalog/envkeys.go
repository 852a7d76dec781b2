package catalog

import "strings"

// EnvKey is a key found in a conventional environment variable of a
// curated vendor that vendorwatch can probe (OPENAI_API_KEY for OpenAI).
// It names the variable, never holds the key.
type EnvKey struct {
	// Vendor is the catalog id; Env the variable that is set.
	Vendor, Env string
	// Account is the account id the key needs, from the entry's account
	// variable (TWILIO_ACCOUNT_SID), or "".
	Account string
}

// EnvAdmin is an admin key found in a vendor's conventional admin
// variable (OPENAI_ADMIN_KEY).
type EnvAdmin struct {
	Vendor, Env string
}

// KeysInEnv lists, in catalog order, the keys and admin keys that
// getenv finds in the curated vendors' conventional variables. It is the
// one reading of those variables: the default config (no config file)
// and `vendorwatch init` both start from it.
func (c *Catalog) KeysInEnv(getenv func(string) string) ([]EnvKey, []EnvAdmin) {
	var keys []EnvKey
	var admins []EnvAdmin
	for _, e := range c.entries {
		if e.Probe != nil {
			for _, env := range e.KeyEnv {
				if getenv(env) == "" {
					continue
				}
				k := EnvKey{Vendor: e.ID, Env: env}
				if e.AccountEnv != "" {
					k.Account = getenv(e.AccountEnv)
				}
				keys = append(keys, k)
			}
		}
		if e.AdminEnv != "" && getenv(e.AdminEnv) != "" {
			admins = append(admins, EnvAdmin{Vendor: e.ID, Env: e.AdminEnv})
		}
	}
	return keys, admins
}

// Name is the key's name in a config: the variable in lower case
// (openai_api_key), so a key keeps its name, and its history, when a
// config file written by init replaces the default config.
func (k EnvKey) Name() string { return strings.ToLower(k.Env) }
