package correlate

import (
	"fmt"
	"strings"
)

// newKeyPipe is how a store command below gets the new key: from a shell
// variable read without echo (read -rs NEW_KEY), through stdin, so the
// key is neither on the command line nor in the shell's history, and
// without a trailing newline.
const newKeyPipe = `printf %s "$NEW_KEY" | `

// storeAdvice says how to put a new key into a secret store entry named
// by a holder (secret: "gcp:openai-prod"): the store's own command to add
// a new version where the store has one, the generic step otherwise.
//
//   - gcp:NAME or gcp:PROJECT/NAME (also gcloud:, gsm:): Google Secret
//     Manager, `gcloud secrets versions add NAME --data-file=-`;
//   - firebase:NAME: Cloud Functions for Firebase secrets,
//     `firebase functions:secrets:set NAME --data-file=-`;
//   - op://VAULT/ITEM/FIELD: 1Password, the item's field;
//   - aws:NAME (also aws-sm:, secretsmanager:): AWS Secrets Manager,
//     `aws secretsmanager put-secret-value`;
//   - vault:MOUNT/PATH[#FIELD]: HashiCorp Vault's KV engine, `vault kv
//     patch`, which keeps the entry's other fields.
func storeAdvice(entry string) string {
	store, name, _ := strings.Cut(entry, ":")
	name = strings.TrimSpace(name)
	switch strings.ToLower(store) {
	case "gcp", "gcloud", "gsm", "google":
		project := ""
		if p, n, ok := strings.Cut(name, "/"); ok && !strings.Contains(n, "/") {
			project, name = " --project="+p, n
		}
		return fmt.Sprintf("Add the new key as a new version of Google Secret Manager secret %s, then restart what reads it: `%sgcloud secrets versions add %s%s --data-file=-`.",
			name, newKeyPipe, name, project)
	case "firebase":
		return fmt.Sprintf("Set the new key in Firebase secret %s, then redeploy the functions that use it: `%sfirebase functions:secrets:set %s --data-file=-`.",
			name, newKeyPipe, name)
	case "op":
		// op://VAULT/ITEM[/SECTION]/FIELD
		parts := strings.Split(strings.TrimPrefix(name, "//"), "/")
		if len(parts) >= 3 {
			vault, item, field := parts[0], parts[1], parts[len(parts)-1]
			return fmt.Sprintf("Put the new key into 1Password %s: field %s of item %s in vault %s, in the 1Password app or with `op item edit %q --vault %q`, then restart what reads it.",
				entry, field, item, vault, item, vault)
		}
	case "aws", "aws-sm", "secretsmanager":
		return fmt.Sprintf("Add the new key as a new version of AWS Secrets Manager secret %s, then restart what reads it: `%saws secretsmanager put-secret-value --secret-id %s --secret-string file:///dev/stdin`.",
			name, newKeyPipe, name)
	case "vault":
		path, field, ok := strings.Cut(name, "#")
		if !ok || field == "" {
			field = "FIELD"
		}
		if mount, rest, ok := strings.Cut(path, "/"); ok && rest != "" {
			return fmt.Sprintf("Write the new key into Vault secret %s (field %s), then restart what reads it: `%svault kv patch -mount=%s %s %s=-`.",
				path, field, newKeyPipe, mount, rest, field)
		}
	}
	return fmt.Sprintf("Put the new key into secret store entry %s, then restart what reads it.", entry)
}
