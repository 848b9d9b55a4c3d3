package open311

import (
	"context"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
)

// DemoPrivate are the demo district's categories whose requests are about
// people rather than places (family disputes, health, reports about
// people, the circumstances of those who ask for assistance): marked
// private, they are left out of the public listing, and a request asked
// for by number shows its status only. The categories below each are
// private with it.
var DemoPrivate = []string{
	"dispute.family",   // 家庭纠纷: support of parents, inheritance
	"health",           // 卫生计生: medical services, medicines, births
	"safety.order",     // 社会治安: reports about people
	"civil.assist",     // 社会救助: minimum living allowance, emergency help
	"civil.disability", // 残疾人服务
}

// SeedDemo marks the demo's sensitive categories private (DemoPrivate),
// as the system; codes the district does not have are skipped.
func (s *Service) SeedDemo(ctx context.Context) error {
	private := true
	for _, code := range DemoPrivate {
		_, err := s.SetServiceSettings(ctx, kit.System(), code, ServiceSettingsChange{Private: &private})
		if err != nil && !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return err
		}
	}
	return nil
}
