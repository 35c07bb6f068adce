"""Writers: one forum of a synthetic world as the database dump of one forum software.

Every writer renders the same world (persons, accounts, posts, private messages, addresses,
planted selectors) with its software's tables and storage conventions; see docs/synth.md.
"""

from __future__ import annotations

from rescue.synth.writers.base import ForumWriter
from rescue.synth.writers.discourse import DiscourseWriter
from rescue.synth.writers.invision import InvisionWriter
from rescue.synth.writers.mybb import MybbWriter
from rescue.synth.writers.phpbb import PhpbbWriter
from rescue.synth.writers.smf import SmfWriter
from rescue.synth.writers.vbulletin import VbulletinWriter
from rescue.synth.writers.xenforo import XenforoWriter

WRITERS: dict[str, type[ForumWriter]] = {
    w.software: w for w in (PhpbbWriter, MybbWriter, SmfWriter, DiscourseWriter, XenforoWriter,
                            VbulletinWriter, InvisionWriter)}

__all__ = ["WRITERS", "ForumWriter"]
