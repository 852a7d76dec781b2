package statuspage

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
)

// Sniff guesses the format of a body from its bytes, or returns Auto when it
// cannot tell. It looks at structure only, never at the URL.
func Sniff(data []byte) Format {
	b := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(b) == 0 {
		return Auto
	}
	switch b[0] {
	case '{':
		return sniffObject(b)
	case '[':
		return sniffArray(b)
	case '<':
		switch {
		case looksFeed(b):
			return Feed
		case looksHTML(b) && looksStatuspageHTML(b):
			return HTML
		}
	}
	return Auto
}

func sniffObject(b []byte) Format {
	var keys map[string]json.RawMessage
	if json.Unmarshal(b, &keys) != nil {
		return Auto
	}
	has := func(k string) bool { _, ok := keys[k]; return ok }
	isObject := func(k string) bool { return bytes.HasPrefix(bytes.TrimSpace(keys[k]), []byte("{")) }
	switch {
	case has("summary") && isObject("summary") && subKeys(keys["summary"], "ongoing_incidents", "components", "structure"):
		return IncidentIO
	case has("incident") && isObject("incident") && subKeys(keys["incident"], "updates", "component_impacts"):
		return IncidentIO
	case has("ongoing_incidents") || has("in_progress_maintenances"):
		return IncidentIO
	case has("data") && isObject("data") && bytes.Contains(keys["data"], []byte(`"status_page"`)):
		return BetterStack
	case has("result") && isObject("result") && subKeys(keys["result"], "status_overall"):
		return StatusIO
	case has("active_incidents") && has("status"):
		return Slack
	case has("UptimeStatus") || has("largestatus") && has("statuses"):
		return Stripe
	case has("activeIncidents") || has("activeMaintenances"):
		return Instatus
	case has("page") && isObject("page") && instatusPage(keys["page"]):
		return Instatus
	case has("status") || has("components") || has("incidents") || has("scheduled_maintenances"):
		if has("page") || has("status") && isObject("status") {
			return Statuspage
		}
		if has("components") && componentsLookInstatus(keys["components"]) {
			return Instatus
		}
	case has("version") && bytes.Contains(keys["version"], []byte("jsonfeed.org")):
		return Feed
	}
	return Auto
}

// subKeys reports whether the JSON object raw has any of the keys.
func subKeys(raw json.RawMessage, keys ...string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// instatusPage reports whether a "page" object carries Instatus's status
// word (Statuspage's page object has no status).
func instatusPage(raw json.RawMessage) bool {
	var p struct {
		Status any `json:"status"`
	}
	if json.Unmarshal(raw, &p) != nil {
		return false
	}
	s, ok := p.Status.(string)
	return ok && instPageState(s).Known()
}

func componentsLookInstatus(raw json.RawMessage) bool {
	var cs []struct {
		Status string `json:"status"`
	}
	if json.Unmarshal(raw, &cs) != nil || len(cs) == 0 {
		return false
	}
	return cs[0].Status != "" && cs[0].Status == strings.ToUpper(cs[0].Status)
}

func sniffArray(b []byte) Format {
	var items []map[string]json.RawMessage
	if json.Unmarshal(b, &items) != nil || len(items) == 0 {
		return Auto
	}
	has := func(k string) bool { _, ok := items[0][k]; return ok }
	if has("status_impact") || has("external_desc") || (has("affected_products") && has("begin")) {
		return Google
	}
	return Auto
}

func looksFeed(b []byte) bool {
	head := bytes.ToLower(b[:min(len(b), 1024)])
	return bytes.Contains(head, []byte("<rss")) || bytes.Contains(head, []byte("<feed")) ||
		bytes.Contains(head, []byte("<rdf:rdf"))
}

// looksStatuspageHTML reports whether an HTML page is an Atlassian
// Statuspage page, the one HTML layout read without a selector.
func looksStatuspageHTML(b []byte) bool {
	return bytes.Contains(b, []byte("data-component-status")) ||
		bytes.Contains(b, []byte(`class="page-status`)) ||
		bytes.Contains(b, []byte("unresolved-incident"))
}

var ulid = lazyregexp.New(`^[0-9A-HJKMNP-TV-Z]{26}$`)

// LooksIncidentIO reports whether a Statuspage-compatible document was
// served by incident.io (its page id is a ULID, not Statuspage's 12
// characters), whose /proxy/<host> JSON says more.
func LooksIncidentIO(data []byte) bool {
	var doc struct {
		Page struct {
			ID string `json:"id"`
		} `json:"page"`
	}
	return json.Unmarshal(data, &doc) == nil && ulid().MatchString(doc.Page.ID)
}

var statusIOID = lazyregexp.New(`(?:/pages/(?:history/|incident/)?|statuspageId\s*[=:]\s*['"]|api\.status\.io/1\.0/status/)([0-9a-f]{24})\b`)

// StatusIOPageID finds a status.io page id in a page's HTML (its RSS link
// /pages/<id>/rss, its history link or its script), or returns "".
func StatusIOPageID(data []byte) string {
	if !bytes.Contains(bytes.ToLower(data), []byte("status.io")) && !bytes.Contains(data, []byte("statuspageId")) {
		return ""
	}
	if m := statusIOID().FindSubmatch(data); m != nil {
		return string(m[1])
	}
	return ""
}
