package responsibility

import (
	"context"
	"strconv"
	"time"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/notify"
	dom "github.com/minsheng/minsheng/responsibility"
	"github.com/minsheng/minsheng/store"
)

// JobReminders is the kind of the daily job that reminds leaders of the
// milestones due soon.
const JobReminders = "responsibility.reminders"

// RemindDays is how many days ahead a milestone's leader is reminded: a
// milestone due today, tomorrow or the day after.
const RemindDays = 3

// RunReminders is the daily job (JobReminders), in the job's transaction:
// the leader in charge of each open matter is told once of each milestone
// due within RemindDays (SMS to a phone, else e-mail), with a
// milestone_reminded event on the matter's timeline. It returns how many
// milestones were reminded.
func (s *Service) RunReminders(ctx context.Context, tx *store.Tx) (int, error) {
	now := s.kit.Now()
	today := dom.Day(now)
	due, err := store.DueMilestones(ctx, tx, today, today.AddDate(0, 0, RemindDays))
	if err != nil {
		return 0, err
	}
	for _, d := range due {
		c, err := store.GetUserContact(ctx, tx, d.LeaderID)
		if err != nil {
			return 0, err
		}
		day := d.Milestone.Due.In(dom.China).Format(time.DateOnly)
		text := "【包保提醒】您包保的「" + d.Title + "」节点「" + d.Milestone.Title + "」将于 " + day + " 到期，请及时推进。"
		m := notify.Message{Template: "responsibility.milestone_due", Lang: "zh", UserID: c.UserID, Body: text}
		var msgs []notify.Message
		switch {
		case c.Phone != "":
			m.Channel, m.To = notify.ChannelSMS, c.Phone
			msgs = append(msgs, m)
		case c.Email != "":
			m.Channel, m.To, m.Subject = notify.ChannelEmail, c.Email, "包保节点即将到期"
			msgs = append(msgs, m)
		}
		if err := store.MarkMilestoneReminded(ctx, tx, d.AssignmentID, d.Milestone.Seq, now); err != nil {
			return 0, err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: Object, ObjectID: d.AssignmentID, Action: "milestone_reminded",
			Data: map[string]string{"seq": strconv.Itoa(d.Milestone.Seq), "due": day}, Messages: msgs}); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}
