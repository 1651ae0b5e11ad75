"""What `resolve_actors` returns: the mentions of one document and a token look-up."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from ...model import Actor

MentionKind = Literal["name", "title", "generic", "pronoun", "metonym", "country", "description"]


@dataclass(frozen=True)
class Mention:
    """A span of the doc that names or refers to one or more actors."""

    start: int
    end: int
    head: int
    actors: tuple[Actor, ...]
    kind: MentionKind
    anonymous: bool = False


@dataclass(frozen=True)
class ActorIndex:
    """The mentions of one doc, in order, with a token-level look-up."""

    mentions: tuple[Mention, ...]
    by_token: dict[int, int] = field(default_factory=dict, repr=False, compare=False)
    speakers: dict[int, int] = field(default_factory=dict, repr=False, compare=False)  # quoted token -> speaker token

    def speaker_of(self, token_i: int) -> Mention | None:
        """Who speaks the quote that token `token_i` stands in, if it is quoted and known."""
        speaker = self.speakers.get(token_i)
        return None if speaker is None else self.at(speaker)

    def at(self, token_i: int) -> Mention | None:
        """The mention covering token `token_i`, if any."""
        pos = self.by_token.get(token_i)
        return None if pos is None else self.mentions[pos]

    def __iter__(self) -> Iterator[Mention]:
        return iter(self.mentions)

    def __len__(self) -> int:
        return len(self.mentions)
