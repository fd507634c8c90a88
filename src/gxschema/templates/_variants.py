"""Variants seen in real reports, declared by extending the national templates.

Each says only what differs from its base; nothing is copied.
"""

from __future__ import annotations

from gxschema import dsl
from gxschema.templates._national import (
    NATIONAL_2019,
    NATIONAL_2021,
    Applications2019,
    Art20_1_2019,
    Documents2019,
)


@dsl.table()
class Art20_1_Hubei(Art20_1_2019):
    """第二十条第（一）项 with Hubei's extra row of other proactively published documents."""

    other_documents: Documents2019 = dsl.line(
        "其他主动公开文件",
        doc="Hubei's 2020 instructions add this row; its printed label carries a long "
        "parenthesised annotation, which label matching ignores.",
    )


HUBEI_2019 = NATIONAL_2019.extend(
    "hubei-2019",
    tables=[Art20_1_Hubei],
    description="Hubei 2020 layout: annotated labels and the extra row 其他主动公开文件 "
    "in 第二十条第（一）项.",
)

HYBRID_2021 = NATIONAL_2021.extend(
    "hybrid-2021",
    tables=[Applications2019],
    description="Template 2021's section 二 with template 2019's single （六）其他处理 row "
    "in section 三, as published by 淮安市洪泽区 for 2023 and 2024.",
)
