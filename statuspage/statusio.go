package statuspage

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// status.io pages (GitLab, Let's Encrypt, Docker) are read through the
// public API at https://api.status.io/1.0/status/<page id>: an overall
// status_code, components with their containers (locations), active
// incidents and maintenance (https://kb.status.io/developers/public-status-api).

type sioDoc struct {
	Result *struct {
		StatusOverall *struct {
			Status     string `json:"status"`
			StatusCode flexID `json:"status_code"`
		} `json:"status_overall"`
		Status      []sioComponent  `json:"status"`
		Incidents   []sioEvent      `json:"incidents"`
		Maintenance json.RawMessage `json:"maintenance"`
	} `json:"result"`
}

type sioComponent struct {
	Name       string `json:"name"`
	StatusCode flexID `json:"status_code"`
	Containers []struct {
		Name       string `json:"name"`
		StatusCode flexID `json:"status_code"`
	} `json:"containers"`
}

type sioEvent struct {
	ID                   string `json:"_id"`
	Name                 string `json:"name"`
	DatetimeOpen         stamp  `json:"datetime_open"`
	DatetimePlannedStart stamp  `json:"datetime_planned_start"`
	DatetimePlannedEnd   stamp  `json:"datetime_planned_end"`
	Messages             []struct {
		Details  string `json:"details"`
		State    flexID `json:"state"`
		Status   flexID `json:"status"`
		Datetime stamp  `json:"datetime"`
	} `json:"messages"`
	ComponentsAffected []struct {
		Name string `json:"name"`
	} `json:"components_affected"`
}

// sioState maps a status.io status code: 100 operational, 200 planned
// maintenance, 300 degraded performance, 400 partial service disruption,
// 500 service disruption, 600 security event.
func sioState(code flexID) observe.State {
	n, err := strconv.Atoi(string(code))
	if err != nil {
		return observe.Unknown
	}
	switch n {
	case 100:
		return observe.Operational
	case 200:
		return observe.UnderMaintenance
	case 300:
		return observe.Degraded
	case 400:
		return observe.PartialOutage
	case 500, 600:
		return observe.MajorOutage
	}
	return observe.Unknown
}

// sioIncidentState names an incident message's state code.
func sioIncidentState(code flexID) string {
	switch string(code) {
	case "100":
		return "investigating"
	case "200":
		return "identified"
	case "300":
		return "monitoring"
	case "400":
		return "resolved"
	}
	return ""
}

// parseStatusIO reads a status.io public status document.
func parseStatusIO(data []byte) (*observe.Status, error) {
	const want = "status.io status JSON"
	var doc sioDoc
	if err := decodeJSON(data, &doc, want); err != nil {
		return nil, err
	}
	if doc.Result == nil || doc.Result.StatusOverall == nil {
		return nil, wrongFormat(want, data)
	}
	r := doc.Result
	overall := sioState(r.StatusOverall.StatusCode)
	st := &observe.Status{Description: termtext.Line(r.StatusOverall.Status)}
	for _, c := range r.Status {
		s := sioState(c.StatusCode)
		if !s.Known() {
			for _, ct := range c.Containers {
				s = observe.Worst(s, sioState(ct.StatusCode))
			}
		}
		st.Components = append(st.Components, observe.Component{Name: termtext.Line(c.Name), State: s})
	}
	for _, ev := range r.Incidents {
		st.Incidents = append(st.Incidents, sioIncident(ev))
	}
	var maint struct {
		Active   []sioEvent `json:"active"`
		Upcoming []sioEvent `json:"upcoming"`
	}
	_ = json.Unmarshal(r.Maintenance, &maint) // some pages send [] when there is none
	for _, ev := range maint.Active {
		st.Maintenances = append(st.Maintenances, sioMaintenance(ev, "in_progress"))
	}
	for _, ev := range maint.Upcoming {
		st.Maintenances = append(st.Maintenances, sioMaintenance(ev, "scheduled"))
	}
	// status_overall is the page's own verdict and the vendor's state:
	// two components in trouble among seventeen do not make the vendor
	// down unless the page says so. The components keep their own states,
	// and Filter narrows the state to the ones a team watches; an open
	// incident stays listed for correlate rather than added on top. Only
	// an overall code we cannot read falls back on the components and
	// incidents.
	st.State = overall
	if !overall.Known() {
		var states []observe.State
		if len(st.Components) > 0 {
			states = append(states, worstComponent(st.Components))
		}
		for _, in := range st.Open() {
			states = append(states, observe.ImpactState(in.Impact))
		}
		st.State = observe.Worst(states...)
	}
	st.Claims = st.State.Known()
	if st.Description == "" || st.State != overall {
		st.Description = describeState(st.State)
	}
	return st, nil
}

func sioIncident(ev sioEvent) observe.Incident {
	in := observe.Incident{ID: termtext.Line(ev.ID), Title: termtext.Line(ev.Name), StartedAt: ev.DatetimeOpen.Time()}
	for _, c := range ev.ComponentsAffected {
		in.Components = appendUnique(in.Components, termtext.Line(c.Name))
	}
	current := observe.Unknown // the newest message's status code is the incident's impact now
	var newest time.Time
	for i, m := range ev.Messages {
		state := sioIncidentState(m.State)
		in.Updates = append(in.Updates, observe.Update{Status: state, Body: HTMLText(m.Details), At: m.Datetime.Time()})
		if i == 0 || !m.Datetime.Time().Before(newest) {
			newest, current = m.Datetime.Time(), sioState(m.Status)
		}
	}
	sortUpdates(in.Updates)
	if len(in.Updates) > 0 {
		in.Status = in.Updates[0].Status
		in.UpdatedAt = in.Updates[0].At
		in.LatestUpdate = termtext.Line(in.Updates[0].Body)
	}
	if in.Status == "" {
		in.Status = "investigating"
	}
	in.Impact = impactOf(current)
	return in
}

func sioMaintenance(ev sioEvent, status string) observe.Maintenance {
	m := observe.Maintenance{ID: termtext.Line(ev.ID), Title: termtext.Line(ev.Name), Status: status,
		StartsAt: ev.DatetimePlannedStart.Time(), EndsAt: ev.DatetimePlannedEnd.Time()}
	for _, c := range ev.ComponentsAffected {
		m.Components = appendUnique(m.Components, termtext.Line(c.Name))
	}
	return m
}
