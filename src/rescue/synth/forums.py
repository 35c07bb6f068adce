"""Board layout of each forum: categories and forums, their topic category and language."""

from __future__ import annotations

from dataclasses import dataclass

from rescue.synth.phrases_intl import FORUM_NAMES


@dataclass(frozen=True, slots=True)
class ForumDef:
    forum_id: int
    parent_id: int
    name: str
    desc: str
    is_category: bool
    topic: str = ""  # text category, or "any" (off-topic, intro), or "announce"
    lang: str = "en"  # language of the topics (international forums)


_MAIN: tuple[tuple[str, str, str, str], ...] = (
    ("#", "General", "", ""),
    ("", "Announcements", "News from the team", "announce"),
    ("", "Introductions", "New here? Say hello", "any"),
    ("", "Off-topic", "Anything that fits nowhere else", "any"),
    ("#", "Hobbies", "", ""),
    ("", "Kitchen & recipes", "Cooking, baking and eating", "cooking"),
    ("", "Garden & allotment", "Plants, vegetables and sheds", "gardening"),
    ("", "Music", "Records, concerts and instruments", "music"),
    ("", "Films, series & books", "What are you watching and reading?", "films"),
    ("#", "Out and about", "", ""),
    ("", "Football", "Matches, clubs and transfers", "football"),
    ("", "Travel", "Trips, tips and photos", "travel"),
    ("", "Weather watch", "Storms, snow and sunshine", "weather"),
    ("#", "Tech", "", ""),
    ("", "Computers & software", "Hardware, software and help", "computers"),
    ("#", "International", "", ""),
    *(("", name, desc, f"lang:{lang}") for lang, (name, desc) in FORUM_NAMES.items()),
)

_OTHER: tuple[tuple[str, str, str, str], ...] = (
    ("#", "The corner", "", ""),
    ("", "News", "Board news", "announce"),
    ("", "Chat", "General chat", "any"),
    ("", "Kitchen", "Food talk", "cooking"),
    ("", "Sports", "Sports talk", "football"),
    ("", "Tech talk", "Computers and phones", "computers"),
    ("", "Trips", "Travel stories", "travel"),
    ("#", "Languages", "", ""),
    ("", "Deutsch", "Auf Deutsch", "lang:de"),
    ("", "Français", "En français", "lang:fr"),
    ("", "Español", "En español", "lang:es"),
)


def layout(key: str) -> tuple[ForumDef, ...]:
    spec = _MAIN if key == "forum" else _OTHER
    out: list[ForumDef] = []
    parent = 0
    for i, (mark, name, desc, topic) in enumerate(spec, start=1):
        if mark == "#":
            parent = i
            out.append(ForumDef(i, 0, name, desc, True))
        elif topic.startswith("lang:"):
            out.append(ForumDef(i, parent, name, desc, False, "any", topic[5:]))
        else:
            out.append(ForumDef(i, parent, name, desc, False, topic))
    return tuple(out)
