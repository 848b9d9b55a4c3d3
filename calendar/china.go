package calendar

// China2026Notice is the State Council's notice of 2025-11-04 on the 2026
// holidays (DESIGN §3). It ships with the program; admins load later years.
var China2026Notice = Year{
	Year: 2026,
	Holidays: []Holiday{
		{Name: "元旦", First: "2026-01-01", Last: "2026-01-03"},
		{Name: "春节", First: "2026-02-15", Last: "2026-02-23"},
		{Name: "清明节", First: "2026-04-04", Last: "2026-04-06"},
		{Name: "劳动节", First: "2026-05-01", Last: "2026-05-05"},
		{Name: "端午节", First: "2026-06-19", Last: "2026-06-21"},
		{Name: "中秋节", First: "2026-09-25", Last: "2026-09-27"},
		{Name: "国庆节", First: "2026-10-01", Last: "2026-10-07"},
	},
	Workdays: []Workday{
		{Date: "2026-01-04"}, {Date: "2026-02-14"}, {Date: "2026-02-28"},
		{Date: "2026-05-09"}, {Date: "2026-09-20"}, {Date: "2026-10-10"},
	},
}

// China2026 returns the calendar of mainland China for 2026. Other years
// fall back to the weekday rule until an admin loads their notice.
func China2026() *Calendar {
	c, err := FromYears(China2026Notice)
	if err != nil {
		panic("the shipped 2026 notice is invalid: " + err.Error())
	}
	return c
}
