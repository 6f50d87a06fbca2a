"""Two reviewers approving the same claim at the same moment, each in its own thread with
its own database connection: one wins, the other gets a clear refusal, and the history
holds one approval. Repeated so that the two really overlap (a barrier starts them together).
"""

import threading

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from curation.models import Claim, Conflict, ReviewEvent
from tests.factories import make_submitted_claim, make_user
from tests.fault_helpers import create_groups

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 20


@pytest.fixture
def people(transactional_db):
    create_groups()
    return (
        make_user("carla", "curators"),
        make_user("rita", "reviewers"),
        make_user("roland", "reviewers"),
    )


def race(*actions):
    """Run the actions in threads started together; their results or exceptions, in order."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait(timeout=10)
            results[i] = action()
        except Exception as e:
            results[i] = e
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def approving_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def assert_approved_once(claim, version_before, winner):
    claim.refresh_from_db()
    assert claim.status == "approved"
    assert claim.version == version_before + 1
    assert claim.reviewer == winner
    approvals = ReviewEvent.objects.filter(claim=claim, action="approve")
    assert [event.actor for event in approvals] == [winner]


def test_two_reviewers_approving_at_once_through_the_api_one_wins_one_gets_409(people):
    curator, rita, roland = people
    clients = {rita: approving_client(rita), roland: approving_client(roland)}
    for _ in range(ROUNDS):
        claim = make_submitted_claim(curator)
        url = f"/api/v1/claims/{claim.pk}/approve/"

        answers = race(
            *(
                lambda c=client, u=url: c.post(u, {"comment": "Fine."})
                for client in clients.values()
            )
        )

        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200, 409], [answer.content for answer in answers]
        (won,) = [user for user, a in zip(clients, answers, strict=True) if a.status_code == 200]
        (refused,) = [a.json() for a in answers if a.status_code == 409]
        assert refused["code"] == "illegal_transition"
        assert "approved" in refused["detail"].lower()
        assert_approved_once(claim, 2, won)


def test_two_reviewers_approving_at_once_in_the_workflow_one_wins_one_is_refused(people):
    curator, rita, roland = people
    for _ in range(ROUNDS):
        claim = make_submitted_claim(curator)
        # Both opened the claim before either acted: each holds its own copy.
        copies = [Claim.objects.get(pk=claim.pk) for _ in (rita, roland)]

        results = race(
            *(
                lambda copy=copy, user=user: copy.approve(user)
                for copy, user in zip(copies, (rita, roland), strict=True)
            )
        )

        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1, results
        assert isinstance(errors[0], Conflict), repr(errors[0])
        assert errors[0].code == "illegal_transition"
        assert "Someone else acted first" in str(errors[0])
        won = rita if results[0] is None else roland
        assert_approved_once(claim, 2, won)
