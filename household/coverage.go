package household

// StreetCoverage is one street's households against their visit plan:
// the district's coverage table, read from the counts rolled up per
// street.
type StreetCoverage struct {
	UnitID     int64  `json:"street_id"`
	UnitName   string `json:"street_name,omitempty"`
	Households int    `json:"households"`
	Visited    int    `json:"visited"`
	Due        int    `json:"due"`
	Overdue    int    `json:"overdue"`
}
