from jiangxin_desktop.services.registry.trainees import TraineeInput


def test_demo_context_registers_and_finds(demo_context):
    rec = demo_context.registry.register(
        TraineeInput(
            name="张小明",
            id_number="320706199001011230",
            phone="13812345678",
            target_group="31",
            consent=True,
        )
    )
    rows = demo_context.search.page("小明")
    assert rec.uuid in [r.uuid for r in rows]
