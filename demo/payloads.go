package demo

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"sync"
	"time"
)

// The simulated vendors answer with recorded payloads (provenance in
// payloads/SOURCES.md). Static ones are served as they are; VAPI's status
// page is rebuilt from its recorded shape for each moment of the story.
//
//go:embed payloads/*.json payloads/*.rss payloads/*.html
var payloads embed.FS

func payload(name string) []byte {
	b, err := payloads.ReadFile("payloads/" + name)
	if err != nil {
		panic("demo: missing embedded payload " + name) // a build defect, caught by every test
	}
	return b
}

// VAPI's incident 901977 and its resources on the recorded page.
const (
	vapiIncident     = "901977"
	vapiResolutionID = "4901003"
)

var vapiOwnResources = map[string]bool{"8331917": true, "8331918": true, "8331919": true}

// vapiPostIDs are the status updates of incident 901977 in the order VAPI
// posts them: the two recorded ones, then the resolution.
var vapiPostIDs = []string{"4901001", "4901002", vapiResolutionID}

// vapiResolution is the resolution post, worded like the resolution of
// VAPI's March incident on the same page (the recorded update 4700001).
func vapiResolution(at time.Time) string {
	return fmt.Sprintf("The incident has been resolved and services have been stable since %s UTC.", at.Add(-5*time.Minute).Format("15:04"))
}

type jsonObj = map[string]any

// pageCache keeps VAPI's status page as built for the current day of the
// story: it changes only with the number of posts, and building it on every
// poll would cost the demo CPU for nothing.
type pageCache struct {
	mu    sync.Mutex
	day   time.Time
	pages map[[2]int][]byte // {posts, 1 for the feed}
}

func (c *pageCache) get(m Moment, feed bool) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || !c.day.Equal(m.Day) {
		c.day, c.pages = m.Day, map[[2]int][]byte{}
	}
	k := [2]int{m.Step.VAPIPosts, 0}
	if feed {
		k[1] = 1
	}
	if b, ok := c.pages[k]; ok {
		return b
	}
	b := vapiIndex(m)
	if feed {
		b = vapiFeed(m)
	}
	c.pages[k] = b
	return b
}

// vapiIndex is VAPI's Better Stack index.json at moment m: the recorded
// page with the incident's posts that are up by then, re-timed to the
// story's day, and the page and its resources in the matching state.
func vapiIndex(m Moment) []byte {
	var doc jsonObj
	if err := json.Unmarshal(payload("vapi__betterstack_index_outage_2026-05-21_reconstructed.json"), &doc); err != nil {
		panic("demo: VAPI's index.json: " + err.Error())
	}
	posts := m.Step.VAPIPosts
	open := posts > 0 && posts < len(vapiPostIDs)
	pageState, ownState := "operational", "operational"
	if open {
		pageState, ownState = "downtime", "downtime"
	}
	updated := m.Day.Add(Story[0].At)
	if t, ok := m.posted(posts); ok && posts > 0 {
		updated = t
	}

	data := doc["data"].(jsonObj)
	attrs := data["attributes"].(jsonObj)
	attrs["aggregate_state"] = pageState
	attrs["updated_at"] = stamp(updated)
	if posts == 0 {
		rel := data["relationships"].(jsonObj)["status_reports"].(jsonObj)
		rel["data"] = drop(rel["data"].([]any), vapiIncident)
	}

	var included []any
	var resolution jsonObj
	for _, o := range doc["included"].([]any) {
		obj := o.(jsonObj)
		id, _ := obj["id"].(string)
		a := obj["attributes"].(jsonObj)
		switch obj["type"] {
		case "status_page_resource":
			if vapiOwnResources[id] {
				a["status"] = ownState
				retimeHistory(a, m.Day, posts > 0)
			} else if a["status"] != "not_monitored" {
				retimeHistory(a, m.Day, false)
			}
		case "status_report":
			if id == vapiIncident {
				if posts == 0 {
					continue
				}
				first, _ := m.posted(1)
				a["starts_at"] = stamp(first)
				a["aggregate_state"] = pageState
				if !open {
					a["aggregate_state"] = "resolved"
					end, _ := m.posted(len(vapiPostIDs))
					a["ends_at"] = stamp(end)
				}
				var refs []any
				for _, u := range vapiPostIDs[:posts] {
					refs = append(refs, jsonObj{"id": u, "type": "status_update"})
				}
				obj["relationships"] = jsonObj{"status_updates": jsonObj{"data": refs}}
			}
		case "status_update":
			if id == "4700001" {
				resolution = clone(obj) // the shape of a resolution post
			}
			if n := indexOf(vapiPostIDs, id); n >= 0 {
				if n >= posts {
					continue
				}
				at, _ := m.posted(n + 1)
				a["published_at"] = stamp(at)
			}
		}
		included = append(included, obj)
	}
	if posts >= len(vapiPostIDs) && resolution != nil {
		at, _ := m.posted(len(vapiPostIDs))
		resolution["id"] = vapiResolutionID
		a := resolution["attributes"].(jsonObj)
		a["message"] = vapiResolution(at)
		a["published_at"] = stamp(at)
		a["status_report_id"] = 901977
		var affected []any
		for _, r := range []string{"8331917", "8331918", "8331919"} {
			affected = append(affected, jsonObj{"status_page_resource_id": r, "status": "resolved"})
		}
		a["affected_resources"] = affected
		included = append(included, resolution)
	}
	doc["included"] = included
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("demo: VAPI's index.json: " + err.Error())
	}
	return b
}

// retimeHistory moves a resource's three days of status history to the
// story's day; today shows downtime when VAPI has posted its outage.
func retimeHistory(a jsonObj, day time.Time, down bool) {
	hist, _ := a["status_history"].([]any)
	for i, h := range hist {
		e, ok := h.(jsonObj)
		if !ok {
			continue
		}
		e["day"] = day.AddDate(0, 0, i-len(hist)+1).Format("2006-01-02")
		if i == len(hist)-1 && !down {
			e["status"], e["downtime_duration"] = "operational", 0
		}
	}
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func drop(refs []any, id string) []any {
	var out []any
	for _, r := range refs {
		if o, ok := r.(jsonObj); ok && o["id"] == id {
			continue
		}
		out = append(out, r)
	}
	return out
}

func clone(o jsonObj) jsonObj {
	b, _ := json.Marshal(o)
	var c jsonObj
	_ = json.Unmarshal(b, &c)
	return c
}

func indexOf(ids []string, id string) int {
	for i, s := range ids {
		if s == id {
			return i
		}
	}
	return -1
}

// The RSS 2.0 shape of a Better Stack feed, as recorded.
type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Language    string    `xml:"language"`
	Items       []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	PubDate     string  `xml:"pubDate"`
	GUID        rssGUID `xml:"guid"`
	Description string  `xml:"description"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// vapiFeed is VAPI's Better Stack feed.rss at moment m: one item per post
// of incident 901977 that is up by then, newest first, then the recorded
// items of older incidents.
func vapiFeed(m Moment) []byte {
	var doc rssDoc
	if err := xml.Unmarshal(payload("vapi__betterstack_feed_outage_synthetic.rss"), &doc); err != nil {
		panic("demo: VAPI's feed.rss: " + err.Error())
	}
	var recorded, older []rssItem
	for _, it := range doc.Channel.Items {
		if strings.HasSuffix(it.Link, "/incident/"+vapiIncident) {
			recorded = append(recorded, it)
		} else {
			older = append(older, it)
		}
	}
	// The recorded feed lists the incident's posts newest first.
	var posts []rssItem
	for i := len(recorded) - 1; i >= 0; i-- {
		posts = append(posts, recorded[i])
	}
	var items []rssItem
	for n := 1; n <= m.Step.VAPIPosts; n++ {
		at, _ := m.posted(n)
		var it rssItem
		if n <= len(posts) {
			it = posts[n-1]
		} else {
			it = posts[len(posts)-1]
			it.Description = vapiResolution(at)
			sum := sha256.Sum256([]byte(it.Description + stamp(at)))
			base, _, _ := strings.Cut(it.GUID.Value, "#")
			it.GUID.Value = base + "#" + hex.EncodeToString(sum[:])
		}
		it.PubDate = at.Format("Mon, 02 Jan 2006 15:04:05 -0700")
		items = append([]rssItem{it}, items...)
	}
	doc.Channel.Items = append(items, older...)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		panic("demo: VAPI's feed.rss: " + err.Error())
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}
