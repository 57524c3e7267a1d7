"""Builders for test data (factory_boy)."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from oneseal.catalog import models as cm


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Region
        django_get_or_create = ("code",)

    code = "420683"
    name = "枣阳市"
    name_en = "Zaoyang"
    level = cm.RegionLevel.CITY
    parent = None


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    name_en = factory.Sequence(lambda n: f"Test Department {n}")
    kind = cm.DepartmentKind.LINE
    region = factory.SubFactory(RegionFactory)


class BureauFactory(DepartmentFactory):
    code = "SPJ"
    name = "枣阳市行政审批局"
    name_en = "Zaoyang Administrative Approval Bureau"
    kind = cm.DepartmentKind.BUREAU


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Hall
        django_get_or_create = ("code",)

    code = "ZYZWDT"
    name = "枣阳市政务服务大厅"
    name_en = "Zaoyang Government Service Hall"
    region = factory.SubFactory(RegionFactory)


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Zone
        django_get_or_create = ("code",)

    hall = factory.SubFactory(HallFactory)
    code = factory.Sequence(lambda n: f"Z{n:02d}")
    name = factory.Sequence(lambda n: f"服务区{n}")
    name_en = factory.Sequence(lambda n: f"Zone {n}")
    order = factory.Sequence(int)


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Window

    zone = factory.SubFactory(ZoneFactory)
    number = factory.Sequence(lambda n: f"{n + 1:02d}")
    department = factory.SubFactory(DepartmentFactory)


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.ServiceItem

    code = factory.Sequence(lambda n: f"420683-XK-{n:05d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    name_en = factory.Sequence(lambda n: f"Test item {n}")
    item_type = cm.ItemType.LICENSING
    implementing_body = factory.SubFactory(BureauFactory)
    original_department = factory.SubFactory(DepartmentFactory)
    supervising_department = factory.SelfAttribute("original_department")
    zone = factory.SubFactory(ZoneFactory)
    legal_basis = "《中华人民共和国行政许可法》第二十九条"
    conditions = "申请人符合法定条件。"
    statutory_limit = 20
    committed_limit = 5
    place = "枣阳市政务服务大厅"
    office_hours = "工作日 08:30-12:00, 14:30-17:30"
    consultation_channel = "0710-6222222"
    complaint_channel = "12345"
    visits_required = 1
    online_depth = cm.OnlineDepth.PRE_REVIEW
    high_frequency = True


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Material

    item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"申请材料{n}")
    order = factory.Sequence(int)


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Fee

    item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"工本费{n}")
    amount_fen = 1000
    unit = "每件"
    legal_basis = "《行政事业性收费标准》"


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.LicensingTransfer

    item = factory.SubFactory(ServiceItemFactory)
    from_department = factory.SelfAttribute("item.original_department")
    to_department = factory.SubFactory(BureauFactory)
    batch = "2015年第一批"
    date = dt.date(2015, 9, 1)
    status = cm.TransferStatus.TRANSFERRED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")
