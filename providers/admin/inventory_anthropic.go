package admin

import (
	"context"
	"encoding/json"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Anthropic Admin API (platform.claude.com/docs/en/api/admin/api_keys/list).
const (
	anthropicKeys      = "/v1/organizations/api_keys"
	anthropicPageLimit = 500 // the API allows 1 to 1000
)

type anthropicAPIKey struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	PartialKeyHint *string    `json:"partial_key_hint"`
	Status         string     `json:"status"`
	CreatedAt      time.Time  `json:"created_at"`
	ExpiresAt      *time.Time `json:"expires_at"`
	WorkspaceID    *string    `json:"workspace_id"`
	CreatedBy      *struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"created_by"`
}

// anthropicInventory lists every API key of the organization, whatever its
// status (active, inactive, archived, expired): unlike OpenAI's list, a
// disabled key stays listed with its status. A list that fails is a gap
// of inv.
func (r *adminRun) anthropicInventory(ctx context.Context, inv *observe.Inventory) {
	workspaces := map[string]bool{}
	complete, err := r.list(ctx, anthropicKeys, nil, "after_id", anthropicPageLimit, func(raw json.RawMessage) error {
		var k anthropicAPIKey
		if err := decodeItem(anthropicKeys, raw, &k); err != nil {
			return err
		}
		row := observe.InventoryKey{ID: k.ID, Name: k.Name, Kind: observe.InventoryAPIKey, Status: k.Status, CreatedAt: k.CreatedAt.UTC()}
		if k.PartialKeyHint != nil {
			row.Redacted = *k.PartialKeyHint
		}
		if k.ExpiresAt != nil {
			row.ExpiresAt = k.ExpiresAt.UTC()
		}
		if k.WorkspaceID != nil {
			row.Project = *k.WorkspaceID
		}
		workspaces[row.Project] = true
		if k.CreatedBy != nil {
			row.OwnerID, row.OwnerType, row.Owner = k.CreatedBy.ID, k.CreatedBy.Type, k.CreatedBy.ID
		}
		inv.Keys = append(inv.Keys, row)
		return nil
	})
	if !r.readList(inv, listAPIKeys, anthropicKeys, complete, err) && err != nil {
		inv.Keys = inv.Keys[:0]
		return
	}
	inv.Projects = len(workspaces)
}
