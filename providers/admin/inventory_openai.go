package admin

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// OpenAI Admin API paths (openai/openai-openapi openapi.yaml).
const (
	openAIProjects   = "/v1/organization/projects"
	openAIAdminKeys  = "/v1/organization/admin_api_keys"
	openAIAuditLogs  = "/v1/organization/audit_logs"
	openAIPageLimit  = 100
	maxAuditPages    = 5
	maxAuditResource = 50
)

// auditEventTypes are the events that remove a key from the list: the key
// deleted, its service account deleted, its project archived.
var auditEventTypes = []string{"api_key.deleted", "service_account.deleted", "project.archived"}

type openAIProject struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

type openAIUser struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type openAIKey struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	RedactedValue      string `json:"redacted_value"`
	CreatedAt          int64  `json:"created_at"`
	LastUsedAt         *int64 `json:"last_used_at"`
	ExpiresAt          *int64 `json:"expires_at"`
	OwnerProjectAccess string `json:"owner_project_access"`
	Owner              struct {
		Type           string      `json:"type"`
		User           *openAIUser `json:"user"`
		ServiceAccount *openAIUser `json:"service_account"`
		// Admin keys name their owner directly.
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"owner"`
}

func unixTime(s int64) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func unixPtr(p *int64) time.Time {
	if p == nil {
		return time.Time{}
	}
	return unixTime(*p)
}

// row turns an OpenAI key object into an inventory row.
func (k openAIKey) row(kind string) observe.InventoryKey {
	r := observe.InventoryKey{ID: k.ID, Name: k.Name, Kind: kind, Redacted: k.RedactedValue, OwnerAccess: k.OwnerProjectAccess,
		OwnerType: k.Owner.Type, CreatedAt: unixTime(k.CreatedAt), LastUsedAt: unixPtr(k.LastUsedAt), ExpiresAt: unixPtr(k.ExpiresAt)}
	switch {
	case k.Owner.User != nil:
		r.OwnerID, r.Owner = k.Owner.User.ID, cmp.Or(k.Owner.User.Email, k.Owner.User.Name)
	case k.Owner.ServiceAccount != nil:
		r.OwnerID, r.Owner = k.Owner.ServiceAccount.ID, cmp.Or(k.Owner.ServiceAccount.Name, k.Owner.ServiceAccount.ID)
	default:
		r.OwnerID, r.Owner = k.Owner.ID, cmp.Or(k.Owner.Name, k.Owner.ID)
	}
	return r
}

// openAIInventory lists every project (archived ones included), each
// project's keys with owner_project_access=any (without it the list hides
// keys whose owner lost access), the service accounts of active projects
// and the admin keys. Each list that fails is a gap of inv; the others are
// read all the same.
func (r *adminRun) openAIInventory(ctx context.Context, inv *observe.Inventory) {
	var projects []openAIProject
	complete, err := r.list(ctx, openAIProjects, url.Values{"include_archived": {"true"}}, "after", openAIPageLimit, func(raw json.RawMessage) error {
		var p openAIProject
		if err := decodeItem(openAIProjects, raw, &p); err != nil {
			return err
		}
		if p.ID != "" {
			projects = append(projects, p)
		}
		return nil
	})
	if !r.readList(inv, listProjects, openAIProjects, complete, err) && err != nil {
		projects = nil // an item that failed to decode leaves the rest unread
	}
	inv.Projects = len(projects)
	projectKeys := map[string]bool{}
	for _, p := range projects {
		path := openAIProjects + "/" + url.PathEscape(p.ID) + "/api_keys"
		var rows []observe.InventoryKey
		ok, err := r.list(ctx, path, url.Values{"owner_project_access": {"any"}}, "after", openAIPageLimit, func(raw json.RawMessage) error {
			var k openAIKey
			if err := decodeItem(path, raw, &k); err != nil {
				return err
			}
			row := k.row(observe.InventoryProjectKey)
			row.Project, row.ProjectName, row.Status = p.ID, p.Name, p.Status
			rows = append(rows, row)
			return nil
		})
		// A list that fails keeps none of its rows: its keys are carried
		// over from the last read that got them whole.
		if r.readList(inv, listProject+p.ID, path, ok, err) || err == nil {
			for _, row := range rows {
				projectKeys[row.ID] = true
				inv.Keys = append(inv.Keys, row)
			}
		}
		if p.Status == observe.StatusArchived {
			continue // an archived project's service accounts answer 400
		}
		saPath := openAIProjects + "/" + url.PathEscape(p.ID) + "/service_accounts"
		// Service accounts only explain vanished keys; failing to list them
		// does not fail the inventory.
		_, _ = r.list(ctx, saPath, nil, "after", openAIPageLimit, func(raw json.RawMessage) error {
			var a struct {
				ID, Name, Role string
			}
			if decodeItem(saPath, raw, &a) == nil && a.ID != "" {
				inv.Accounts = append(inv.Accounts, observe.InventoryAccount{ID: a.ID, Name: a.Name, Project: p.ID, Role: a.Role})
			}
			return nil
		})
	}
	var admins []observe.InventoryKey
	ok, err := r.list(ctx, openAIAdminKeys, url.Values{"order": {"asc"}}, "after", openAIPageLimit, func(raw json.RawMessage) error {
		var k openAIKey
		if err := decodeItem(openAIAdminKeys, raw, &k); err != nil {
			return err
		}
		admins = append(admins, k.row(observe.InventoryAdminKey))
		return nil
	})
	if r.readList(inv, listAdminKeys, openAIAdminKeys, ok, err) || err == nil {
		for _, k := range admins {
			// The endpoint has been seen to return project keys as well,
			// mislabelled as admin keys; they are listed under their
			// projects.
			if !projectKeys[k.ID] {
				inv.Keys = append(inv.Keys, k)
			}
		}
	}
}

// openAIProjectKey asks for one project key by id (GET
// /v1/organization/projects/{project_id}/api_keys/{key_id}): a key that
// left its project's list but answers here changed visibility.
func (r *adminRun) openAIProjectKey(ctx context.Context, k observe.InventoryKey) (observe.InventoryKey, error) {
	if k.Project == "" || k.ID == "" {
		return observe.InventoryKey{}, errNotFound
	}
	path := openAIProjects + "/" + url.PathEscape(k.Project) + "/api_keys/" + url.PathEscape(k.ID)
	resp, err := r.get(ctx, path, nil)
	if err != nil {
		if f := r.failure(err); f.status == http.StatusNotFound {
			return observe.InventoryKey{}, errNotFound
		}
		return observe.InventoryKey{}, err
	}
	var got openAIKey
	if err := decodeItem(path, resp.Body, &got); err != nil {
		return observe.InventoryKey{}, err
	}
	if got.ID != k.ID {
		return observe.InventoryKey{}, errNotFound
	}
	row := got.row(observe.InventoryProjectKey)
	row.Project, row.ProjectName, row.Status = k.Project, k.ProjectName, k.Status
	return row, nil
}
