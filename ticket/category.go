package ticket

import "time"

// Category is one node of the three-level category tree (e.g. 城乡建设 ›
// 物业管理 › 电梯故障). Path lists ids from the root down, as units do.
type Category struct {
	ID        int64     `json:"id"`
	ParentID  int64     `json:"parent_id,omitempty"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	NameEN    string    `json:"name_en,omitempty"`
	Level     int       `json:"level"`
	Path      string    `json:"path"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxCategoryLevel is the depth of the category tree.
const MaxCategoryLevel = 3
