import pytest

from oneseal.accounts.roles import RoleCode
from oneseal.bundles import services as bs
from oneseal.bundles.models import BundleDefinition
from oneseal.bundles.services import ItemSpec, MappingSpec, PoolSpec
from oneseal.kernel.errors import PermissionDeniedError, ValidationFailed

pytestmark = pytest.mark.django_db


def define(world, items, pool=None, mappings=(), code="X1", **extra):
    reg, seal, social = world["reg"], world["seal"], world["social"]
    pool = pool if pool is not None else [
        PoolSpec("申请书", ((reg.code, "申请书"), (seal.code, "申请书"), (social.code, "申请书"))),
        PoolSpec("章程", ((reg.code, "公司章程"),)), PoolSpec("证明", ((social.code, "相关证明材料"),))]
    return bs.define_bundle(actor=None, code=code, name="测试联办", limit_amount=1, limit_unit="working_days",
                            items=items, pool=pool, mappings=list(mappings), **extra)


def issues(excinfo):
    return {(i.field, i.code): i for i in excinfo.value.issues}


def test_a_dependency_cycle_is_refused_and_named(kaiban):
    reg, seal, social = kaiban["reg"], kaiban["seal"], kaiban["social"]
    with pytest.raises(ValidationFailed) as refused:
        define(kaiban, [ItemSpec(reg.code, (social.code,)), ItemSpec(seal.code, (reg.code,)),
                        ItemSpec(social.code, (seal.code,))])
    found = issues(refused)[("items", "dependency_cycle")]
    assert found.params["cycle"] == "企业设立登记 → 社会保险登记 → 印章刻制备案 → 企业设立登记"
    assert "企业设立登记 → 社会保险登记" in found.as_dict()["message_en"]
    assert not BundleDefinition.objects.filter(code="X1").exists()


def test_an_item_depending_on_itself_is_a_cycle(kaiban):
    reg, social = kaiban["reg"], kaiban["social"]
    with pytest.raises(ValidationFailed) as refused:
        define(kaiban, [ItemSpec(reg.code, (reg.code,)), ItemSpec(social.code)],
               pool=[PoolSpec("申请书", ((reg.code, "申请书"), (social.code, "申请书"))),
                     PoolSpec("章程", ((reg.code, "公司章程"),)), PoolSpec("证明", ((social.code, "相关证明材料"),))])
    assert issues(refused)[("items", "dependency_cycle")].params["cycle"] == "企业设立登记 → 企业设立登记"


def test_unknown_items_outside_dependencies_and_unknown_fields_are_each_named(kaiban):
    reg, seal, social = kaiban["reg"], kaiban["seal"], kaiban["social"]
    with pytest.raises(ValidationFailed) as refused:
        define(kaiban, [ItemSpec(reg.code), ItemSpec(seal.code, (reg.code, kaiban["invoice"].code)),
                        ItemSpec(social.code), ItemSpec("420683-NO-SUCH")],
               mappings=[MappingSpec(reg.code, "company_name", seal.code, "no_such_field"),
                         MappingSpec(social.code, "address", seal.code, "company_name"),
                         MappingSpec(reg.code, "not_on_the_form", seal.code, "seal_count")])
    found = issues(refused)
    assert ("items.3.item", "unknown_item") in found
    assert ("items.1.depends_on", "dependency_not_in_bundle") in found
    assert ("mappings.0.field", "unknown_field") in found
    assert ("mappings.1.source", "source_not_prerequisite") in found
    assert ("mappings.2.source_key", "unknown_field") in found
    message = found[("mappings.0.field", "unknown_field")].as_dict()
    assert "no_such_field" in message["message"] and "no_such_field" in message["message_en"]


def test_a_required_material_left_out_of_the_pool_is_refused(kaiban):
    reg, social = kaiban["reg"], kaiban["social"]
    with pytest.raises(ValidationFailed) as refused:
        define(kaiban, [ItemSpec(reg.code), ItemSpec(social.code)],
               pool=[PoolSpec("申请书", ((reg.code, "申请书"), (social.code, "申请书"), (reg.code, "营业执照")))])
    found = issues(refused)
    assert ("pool.0.uses.2", "material_not_listed") in found
    missing = {i.params["name"] for i in refused.value.issues if i.code == "material_not_pooled"}
    assert missing == {"公司章程", "相关证明材料"}  # 投资人身份证明 may come from a licence


def test_a_code_in_use_and_a_bad_limit_are_refused(kaiban):
    reg, social = kaiban["reg"], kaiban["social"]
    with pytest.raises(ValidationFailed) as refused:
        bs.define_bundle(actor=None, code="QYKB", name="", limit_amount=0, limit_unit="fortnights",
                         items=[ItemSpec(reg.code), ItemSpec(social.code)], pool=[])
    found = issues(refused)
    for key in [("code", "code_taken"), ("name", "required"), ("limit_amount", "limit_not_positive"),
                ("limit_unit", "unknown_limit_unit")]:
        assert key in found


def test_only_an_administrator_defines_a_bundle(kaiban, user_in_role):
    reg, social = kaiban["reg"], kaiban["social"]
    with pytest.raises(PermissionDeniedError):
        bs.define_bundle(actor=kaiban["clerk"], code="X2", name="x", limit_amount=1, limit_unit="working_days",
                         items=[ItemSpec(reg.code), ItemSpec(social.code)], pool=[])
    admin = user_in_role(RoleCode.ADMINISTRATOR, "admin")
    definition = bs.define_bundle(
        actor=admin, code="X3", name="两项联办", limit_amount=2, limit_unit="working_days",
        items=[ItemSpec(reg.code), ItemSpec(social.code, (reg.code,))],
        pool=[PoolSpec("申请书", ((reg.code, "申请书"), (social.code, "申请书"))),
              PoolSpec("章程", ((reg.code, "公司章程"),)), PoolSpec("证明", ((social.code, "相关证明材料"),))])
    items = {i.item.code: i for i in definition.items.all()}
    assert list(items[social.code].depends_on.all()) == [items[reg.code]]
