package readiness

import (
	"path"
	"strings"
)

// Store is a secret store whose outage would keep a key from resolving,
// and the catalog vendor whose status page reports that outage.
type Store struct {
	// Name is the store as people call it (Google Secret Manager).
	Name string `json:"name"`
	// Vendor is the catalog id that watches it (google-cloud).
	Vendor string `json:"vendor"`
}

// storesByCommand are the secret-manager CLIs a cmd: reference may run,
// by the command's base name.
var storesByCommand = map[string]Store{
	"gcloud":   {Name: "Google Secret Manager", Vendor: "google-cloud"},
	"firebase": {Name: "Firebase (Google Cloud)", Vendor: "google-cloud"},
	"op":       {Name: "1Password", Vendor: "1password"},
	"aws":      {Name: "AWS Secrets Manager", Vendor: "aws"},
	"vault":    {Name: "HashiCorp Vault", Vendor: "hashicorp"},
	"doppler":  {Name: "Doppler", Vendor: "doppler"},
	"az":       {Name: "Azure Key Vault", Vendor: "azure"},
}

// storesByPrefix are the stores a holder's secret entry may name before
// its colon ({secret: "gcp:openai-prod"}).
var storesByPrefix = map[string]string{
	"gcp": "gcloud", "gcloud": "gcloud", "google": "gcloud", "gsm": "gcloud", "firebase": "firebase",
	"op": "op", "1password": "op",
	"aws": "aws", "ssm": "aws", "secretsmanager": "aws",
	"vault": "vault", "hashicorp": "vault",
	"doppler": "doppler",
	"azure":   "az", "az": "az", "keyvault": "az",
}

// StoreOfCommand is the store a cmd: reference reads from, known by the
// command it runs ("gcloud secrets versions access ..." is Google Secret
// Manager); env ... and sh -c wrappers are looked through.
func StoreOfCommand(cmd string) (Store, bool) {
	words := strings.Fields(cmd)
	for i := 0; i < len(words); i++ {
		w := path.Base(words[i])
		switch {
		case w == "env" || w == "exec" || w == "sudo" || strings.Contains(w, "="):
			continue
		case (w == "sh" || w == "bash" || w == "zsh") && i+2 < len(words) && words[i+1] == "-c":
			return StoreOfCommand(strings.Trim(strings.Join(words[i+2:], " "), `'"`))
		}
		s, ok := storesByCommand[w]
		return s, ok
	}
	return Store{}, false
}

// StoreOfHolder is the store a holder's secret entry names before its
// colon ("gcp:openai-prod" is Google Secret Manager).
func StoreOfHolder(entry string) (Store, bool) {
	prefix, _, ok := strings.Cut(entry, ":")
	if !ok {
		return Store{}, false
	}
	cmd, ok := storesByPrefix[strings.ToLower(strings.TrimSpace(prefix))]
	if !ok {
		return Store{}, false
	}
	return storesByCommand[cmd], true
}
