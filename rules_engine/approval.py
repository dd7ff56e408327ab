"""一 审批权限 and 二（一） 审批渠道: who decides and where to apply, on a given date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rules_engine.facts import fact
from rules_engine.parameters import day
from rules_engine.policy import cite, implements, in_force
from rules_engine.trace import Decision, reason

PROVINCE_APPROVES = cite("一", "自2023年8月1日起由贵州省住房和城乡建设厅统一实施")
ONLINE_ONLY = cite("二（一）", "自2023年8月1日起，二级建造师执业资格认定继续实行网上申报，不再提交纸质申报材料")


@dataclass(frozen=True)
class Authority:
    provincial: bool
    name: str


@dataclass(frozen=True)
class Channel:
    online_only: bool
    portal_name: str
    portal_url: str
    search_term: str


@implements(PROVINCE_APPROVES)
def approving_authority(as_of: dt.date) -> Decision[Authority]:
    """From 2023-08-01 the province approves; before, the municipal bureaus did."""
    start = day("provincial_approval_start", as_of).value
    provincial = as_of >= start
    name = fact("provincial_authority" if provincial else "former_authority").text
    return Decision(Authority(provincial, name), (
        reason("on_or_after_provincial_start", provincial, in_force(PROVINCE_APPROVES, as_of), as_of=as_of,
               start=start),
    ))


@implements(ONLINE_ONLY)
def application_channel(as_of: dt.date) -> Decision[Channel]:
    """Applications are made online on 贵州政务服务网 under the item 二级建造师执业资格认定."""
    start = day("online_only_start", as_of).value
    online_only = as_of >= start
    channel = Channel(online_only, fact("portal_name").text, fact("portal_url").text,
                      fact("portal_search_term").text)
    return Decision(channel, (
        reason("on_or_after_online_only_start", online_only, in_force(ONLINE_ONLY, as_of), as_of=as_of, start=start),
        reason("portal_named", True, fact("portal_search_term").citation, portal=channel.portal_url),
    ))
