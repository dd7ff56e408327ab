"""The WeChat simulator lives in bench/wechat_simulator.py (bench/wechat_bench.py drives it too); the tests import it
from here."""

from bench.wechat_simulator import (
    ORIGINAL_ID,
    Delivery,
    FakeWeChatApi,
    OfficialAccountSimulator,
    WeComSimulator,
    aes_key,
    signature,
    wait_until,
)

__all__ = ["ORIGINAL_ID", "Delivery", "FakeWeChatApi", "OfficialAccountSimulator", "WeComSimulator", "aes_key",
           "signature", "wait_until"]
