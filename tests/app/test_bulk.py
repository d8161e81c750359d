"""services.bulk: the cyclic collector is paused for a batch job and given back after it."""
import gc

import pytest

from pricing.bulk import cyclic_gc_paused


def test_collector_is_paused_inside_and_back_after():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_is_back_after_a_failure_and_cycles_made_inside_are_collected():
    class Node:
        pass

    collected = []
    with pytest.raises(RuntimeError):
        with cyclic_gc_paused():
            a, b = Node(), Node()
            a.other, b.other = b, a  # a cycle reference counting alone cannot free
            import weakref
            weakref.finalize(a, collected.append, "a")
            del a, b
            raise RuntimeError("job failed")
    assert gc.isenabled()
    assert collected == ["a"]


def test_nested_jobs_leave_the_outer_setting_alone():
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
