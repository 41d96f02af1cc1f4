"""The words a clerk sees for a trainee's fields: forms, messages, the command line's help."""

# Field keys → the labels a clerk sees.
FIELD_LABELS = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "phone": "手机号码",
    "hukou": "户口性质",
    "ethnicity": "民族",
    "education": "文化程度",
    "target_group": "人员类别",
    "target_flags": "人员类别标记",
    "evidence_type": "证明材料类型",
    "evidence_number": "证明材料编号",
    "employment_status": "就业状态",
    "bank_card": "社保卡/银行账号",
    "address": "联系地址",
    "employer": "工作单位",
    "employer_uscc": "单位统一社会信用代码",
    "employer_uscc_override": "信用代码例外说明",
    "note": "备注",
    "consent": "个人信息处理同意",
    "reason": "原因",
}
