"""The demo's school: one centre, two 系部, four 专业, eight 班级 with their 班主任, four offices,
320 learners and the certification staff — built through the directory's import path
(``workflows/directory/imports.py``), the one a spreadsheet import uses.

The README's demo users stay as they are (they are the centre's certification staff and a few
learners); the classes they name (机电2301…) are hung under their 专业. Idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.context import unit_of_work
from models.directory import UnitKind
from models.statuses import PersonStatus
from workflows.core.id_numbers import check_character
from workflows.directory.imports import (
    ImportResult,
    PersonRow,
    UnitRow,
    import_people,
    import_units,
)
from workflows.directory.units import default_centre

PASSWORD = "demo123"
# 系部 -> 专业 -> 班级 (the first class of each 专业 is the one the demo users name).
SCHOOL = (
    ("D01", "机电工程系", (("M01", "机电一体化技术", ("机电2301", "机电2401")),
                        ("M02", "数控技术", ("数控2302", "数控2402")))),
    ("D02", "商贸与汽车工程系", (("M03", "电子商务", ("电商2303", "电商2403")),
                            ("M04", "汽车运用与维修", ("汽修2304", "汽修2404")))),
)
OFFICES = (("O01", "教务处"), ("O02", "学生工作处"), ("O03", "招生就业处"), ("O04", "督导室"))
TEACHERS = "孙周吴郑王冯陈褚"
LEARNERS_PER_CLASS = 40
SURNAMES = "赵钱孙李周吴郑王冯陈卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜"
GIVEN = ("子轩", "雨涵", "浩宇", "欣妍", "梓涵", "宇航", "思琪", "俊熙", "语嫣", "明哲", "佳琪",
         "天宇", "若汐", "博涛", "诗琪", "晨阳")


@dataclass(frozen=True)
class SchoolSummary:
    units: int
    people: int
    accounts: int
    problems: list[str]


def classes() -> list[str]:
    return [name for _, _, majors in SCHOOL for _, _, names in majors for name in names]


def seed_school() -> SchoolSummary:
    """Build (or complete) the demo school in the default centre."""
    uow = unit_of_work()
    result = ImportResult()
    with uow:
        session = uow.session
        centre = default_centre(session)
        import_units(session, centre, _unit_rows(), result)
        import_people(session, centre, _people_rows(), uow=uow, result=result)
        uow.commit()
    return SchoolSummary(result.units, result.people, result.accounts, result.problems)


def _unit_rows() -> list[UnitRow]:
    rows = [UnitRow(code, name, UnitKind.OFFICE, None) for code, name in OFFICES]
    for dept_code, dept, majors in SCHOOL:
        rows.append(UnitRow(dept_code, dept, UnitKind.DEPARTMENT, None))
        for major_code, major, names in majors:
            rows.append(UnitRow(major_code, major, UnitKind.MAJOR, dept_code))
            rows += [UnitRow(name, name, UnitKind.CLASS, major_code) for name in names]
    return rows


def _people_rows() -> list[PersonRow]:
    rows = []
    for index, name in enumerate(classes()):  # 班主任 bzr01…bzr08, password demo123
        rows.append(PersonRow(f"{TEACHERS[index]}老师（{name}）", PersonStatus.EMPLOYED,
                              number=f"T{index + 1:03d}", positions=(("class_teacher", name),),
                              username=f"bzr{index + 1:02d}", password=PASSWORD))
    for index, (dept_code, dept, _) in enumerate(SCHOOL):  # 系部主任, no account
        rows.append(PersonRow(f"{dept}主任", PersonStatus.EMPLOYED, number=f"H{index + 1:03d}",
                              positions=(("department_head", dept_code),)))
    for class_index, name in enumerate(classes()):
        for seat in range(LEARNERS_PER_CLASS):
            serial = class_index * LEARNERS_PER_CLASS + seat
            year = 2007 + class_index % 2
            first17 = f"320102{year}{seat % 12 + 1:02d}{seat % 28 + 1:02d}{serial % 1000:03d}"
            rows.append(PersonRow(
                SURNAMES[serial % len(SURNAMES)] + GIVEN[(serial * 5) % len(GIVEN)],
                PersonStatus.STUDYING, number=f"S{name[-4:]}{seat + 1:02d}",
                id_number=first17 + check_character(first17),
                mobile=f"139{class_index:02d}{seat:06d}"[:11], class_code=name))
    return rows
