package project

// Residents following a project by SMS.

import (
	"context"
	"crypto/rand"
	"net/url"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
)

// UnfollowPath is the public page that ends a follow:
// /projects/unfollow?token=….
func UnfollowPath(token string) string { return "/projects/unfollow?token=" + url.QueryEscape(token) }

func followPhone(phone string) (string, error) {
	phone = personal.NormalizePhone(phone)
	if phone == "" {
		return "", minsheng.FieldError("phone", "give the mobile phone that gets the SMS").Because("phone_required")
	}
	if !personal.ValidPhone(phone) || !strings.HasPrefix(phone, "1") {
		return "", minsheng.FieldError("phone", "a mobile phone number is needed").Because("phone_format")
	}
	return phone, nil
}

// Follow asks for a project's news by SMS: a code goes to the phone, to be
// typed on the public page (ConfirmFollow). Limited per phone and project
// to one a minute and five a day.
func (s *Service) Follow(ctx context.Context, code, phone string) error {
	phone, err := followPhone(phone)
	if err != nil {
		return err
	}
	return s.kit.Write(ctx, func(tx *store.Tx) error {
		p, err := store.GetProject(ctx, tx, strings.TrimSpace(code))
		if err != nil {
			return err
		}
		now := s.kit.Now()
		f, err := store.GetFollower(ctx, tx, p.ID, phone)
		isNew := minsheng.IsCode(err, minsheng.ENOTFOUND)
		switch {
		case isNew:
			token, err := project.NewToken(rand.Reader)
			if err != nil {
				return err
			}
			id, err := tx.NextID(ctx)
			if err != nil {
				return err
			}
			f = &project.Follower{ID: id, ProjectID: p.ID, Phone: phone, Unsubscribe: token, CreatedAt: now}
		case err != nil:
			return err
		}
		if err := f.CheckSend(now); err != nil {
			return err
		}
		sms, err := project.NewFollowCode(rand.Reader)
		if err != nil {
			return err
		}
		f.Sent(project.HashFollowCode(p.ID, phone, sms), now)
		if err := store.SaveFollower(ctx, tx, f, isNew); err != nil {
			return err
		}
		body := "【城西区民生实事】您正在关注「" + p.Title + "」的进展，验证码：" + sms + "，15分钟内有效。如非本人操作请忽略。"
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectProject, ObjectID: p.ID, Action: "follow_ask",
			Data:     map[string]string{"phone": personal.MaskPhone(phone)},
			Messages: []notify.Message{{Channel: notify.ChannelSMS, To: phone, Template: "project.follow_code", Lang: "zh", Body: body}}})
		return err
	})
}

// ConfirmFollow starts the follow whose code the resident typed; the SMS
// that confirms it carries the link that ends it. A wrong code is counted
// even though it is refused.
func (s *Service) ConfirmFollow(ctx context.Context, code, phone, sms string) error {
	phone, err := followPhone(phone)
	if err != nil {
		return err
	}
	var refused error
	err = s.kit.Write(ctx, func(tx *store.Tx) error {
		p, err := store.GetProject(ctx, tx, strings.TrimSpace(code))
		if err != nil {
			return err
		}
		f, err := store.GetFollower(ctx, tx, p.ID, phone)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.FieldError("code", "ask for a code first").Because("code_expired")
		}
		if err != nil {
			return err
		}
		if refused = f.Confirm(sms, s.kit.Now()); refused != nil {
			if minsheng.IsCode(refused, minsheng.EINVALID) {
				return store.SaveFollower(ctx, tx, f, false)
			}
			return nil
		}
		if err := store.SaveFollower(ctx, tx, f, false); err != nil {
			return err
		}
		body := "【城西区民生实事】已为您开通「" + p.Title + "」进展短信提醒，每个节点完成时通知您。" + s.unfollowText(p, f)
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectProject, ObjectID: p.ID, Action: "follow",
			Data:     map[string]string{"phone": personal.MaskPhone(phone)},
			Messages: []notify.Message{{Channel: notify.ChannelSMS, To: phone, Template: "project.follow_on", Lang: "zh", Body: body}}})
		return err
	})
	if err != nil {
		return err
	}
	return refused
}

// unfollowText is the line of every SMS that tells how to stop them.
func (s *Service) unfollowText(p *project.Project, f *project.Follower) string {
	if base := s.tickets.PublicURL(); base != "" {
		return "退订：" + base + UnfollowPath(f.Unsubscribe)
	}
	return ""
}

// FollowView is what the unfollow page shows: the project and the phone,
// masked.
type FollowView struct {
	Code   string               `json:"code"`
	Title  string               `json:"title"`
	Phone  string               `json:"phone"`
	Status project.FollowStatus `json:"status"`
}

func (s *Service) followByToken(ctx context.Context, tx *store.Tx, token string) (*project.Follower, *project.Project, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 64 {
		return nil, nil, minsheng.Errorf(minsheng.ENOTFOUND, "this link is not valid").Because("follow_link")
	}
	f, err := store.GetFollowerByUnsubscribe(ctx, tx, token)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil, nil, minsheng.Errorf(minsheng.ENOTFOUND, "this link is not valid").Because("follow_link")
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := store.GetProject(ctx, tx, strconv.FormatInt(f.ProjectID, 10))
	return f, p, err
}

// FollowByLink returns the follow an unsubscribe link names.
func (s *Service) FollowByLink(ctx context.Context, token string) (*FollowView, error) {
	var v *FollowView
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		f, p, err := s.followByToken(ctx, tx, token)
		if err != nil {
			return err
		}
		v = &FollowView{Code: p.Code, Title: p.Title, Phone: personal.MaskPhone(f.Phone), Status: f.Status}
		return nil
	})
	return v, err
}

// Unfollow ends the follow an unsubscribe link names: no more SMS.
func (s *Service) Unfollow(ctx context.Context, token string) (*FollowView, error) {
	var v *FollowView
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		f, p, err := s.followByToken(ctx, tx, token)
		if err != nil {
			return err
		}
		to, err := project.NextFollow(f.Status, project.FollowUnsubscribe)
		if err != nil {
			return err
		}
		f.Status, f.CodeHash, f.CodeExpiresAt = to, "", nil
		if err := store.SaveFollower(ctx, tx, f, false); err != nil {
			return err
		}
		v = &FollowView{Code: p.Code, Title: p.Title, Phone: personal.MaskPhone(f.Phone), Status: f.Status}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectProject, ObjectID: p.ID, Action: "unfollow",
			Data: map[string]string{"phone": v.Phone}})
		return err
	})
	return v, err
}

// followerNoticesTx makes the SMS to a project's followers for a change
// the public sees: a milestone reached, the project completed.
func (s *Service) followerNoticesTx(ctx context.Context, tx *store.Tx, p *project.Project, action string, data map[string]string) ([]notify.Message, error) {
	var news string
	switch {
	case action == "report" && data["milestone"] != "":
		n, _ := strconv.Atoi(data["milestone"])
		if n < 1 || n > len(p.Milestones) {
			return nil, nil
		}
		news = "已完成节点「" + p.Milestones[n-1].Title + "」，当前进度 " + strconv.Itoa(p.Progress) + "%。"
	case action == string(project.ActionComplete):
		news = "已全部完成。"
	default:
		return nil, nil
	}
	fs, err := store.ListActiveFollowers(ctx, tx, p.ID)
	if err != nil {
		return nil, err
	}
	var out []notify.Message
	for _, f := range fs {
		out = append(out, notify.Message{Channel: notify.ChannelSMS, To: f.Phone, Template: "project.milestone", Lang: "zh",
			Body: "【城西区民生实事】您关注的「" + p.Title + "」" + news + s.unfollowText(p, f)})
	}
	return out, nil
}
