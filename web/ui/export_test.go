package ui

// Messages returns the texts of the pages: the core's and those of every
// mounted capability (for the tests of package ui_test).
func (u *UI) Messages() map[string][2]string { return u.messages }

// FieldLabel is the name a page gives the field f of an error, "" if it
// has none, in Chinese.
func FieldLabel(msgs map[string][2]string, f string) string {
	p := &page{msgs: msgs}
	return p.fieldLabel(f)
}
