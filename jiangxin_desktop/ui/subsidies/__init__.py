"""补贴: whether each trainee of a class may claim a subsidy, how much and why; the claims' workflow
(生成, 审核, 退回修改, 撤回, 更正后重新申请) and their printed forms."""
