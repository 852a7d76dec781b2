package catalog

import "slices"

// Category names a kind of vendor, for `vendorwatch catalog QUERY`: a
// team that builds voice agents asks for "voice", one that pays out asks
// for "payments". A curated entry lists its categories most telling
// first; search ranks an entry whose first category matches above one
// where it matches later.
type Category struct {
	Name string
	// What says what the category holds, for help texts.
	What string
}

// Categories is the vocabulary a curated entry's categories come from,
// in the order help texts show them. catalog.yaml may use no other word.
var Categories = []Category{
	{"llm", "language-model APIs, inference and embeddings"},
	{"ml", "other model platforms: images, video, training, GPUs for models"},
	{"voice", "speech to text, text to speech, voice agents, real-time audio"},
	{"telephony", "phone numbers, calls, SMS, SIP"},
	{"video", "video calls, streaming and media"},
	{"messaging", "chat, push, notifications, real-time pub/sub"},
	{"email", "email delivery"},
	{"payments", "payments, billing and subscriptions"},
	{"commerce", "shops and e-commerce platforms"},
	{"cloud", "clouds, hosting, compute and storage"},
	{"cdn", "CDNs, DNS, edge and media delivery"},
	{"database", "databases, caches and vector stores"},
	{"data", "warehouses, streaming, search and pipelines"},
	{"analytics", "product analytics and event collection"},
	{"devtools", "source control, CI, package registries, developer platforms"},
	{"auth", "identity, login and SSO"},
	{"security", "secrets, certificates, passwords and scanning"},
	{"observability", "monitoring, logs, errors and tracing"},
	{"incident", "on-call, alerting and status pages"},
	{"support", "customer support and CRM"},
	{"productivity", "work tools: docs, issues, files, meetings"},
}

// IsCategory reports whether name is in the vocabulary.
func IsCategory(name string) bool {
	return slices.ContainsFunc(Categories, func(c Category) bool { return c.Name == name })
}

// CategoryNames lists the vocabulary's names in order.
func CategoryNames() []string {
	names := make([]string, len(Categories))
	for i, c := range Categories {
		names[i] = c.Name
	}
	return names
}
