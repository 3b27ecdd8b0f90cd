"""The spec of exercise 10. Run it alone with `pytest exercises/ex10_bounded_concurrency`."""

import asyncio
from itertools import pairwise

from course.shop import LIMIT, PRICES_URL


def price_of(request):
    product = int(request.url.path.rsplit("/", 1)[1])
    return {"id": product, "price": product * 1.5}


async def test_the_price_list_has_every_product_in_order(client, upstream):
    upstream.endpoint(PRICES_URL, prefix=True, json=price_of, latency=0.2)

    response = await client.get("/", within=60)

    assert response.status_code == 200
    assert [price["id"] for price in response.json()["prices"]] == list(range(1, 51)), (
        "the prices must be in the order of PRODUCTS"
    )


async def test_exactly_the_allowed_number_of_calls_run_at_once(client, upstream, made_by_learner):
    prices = upstream.endpoint(PRICES_URL, prefix=True, json=price_of, latency=0.2)
    semaphores = made_by_learner(asyncio.Semaphore, directly=True)
    upstream.hold_until_in_flight(LIMIT)

    await client.get("/", within=60)

    assert prices.calls == 50, f"the view made {prices.calls} calls for 50 products"
    lines = {str(where) for _, where in semaphores}
    made_per_call = (
        f": the view made {len(semaphores)} semaphores at {lines.pop()}, one for each "
        "call, and each let its one call in"
        if len(semaphores) > 1 and len(lines) == 1
        else ""
    )
    assert prices.peak_in_flight <= LIMIT, (
        f"{prices.peak_in_flight} calls were in flight at once, but the price API allows "
        f"{LIMIT}{made_per_call} — cap them: one asyncio.Semaphore(LIMIT) shared by every "
        "call (a semaphore made for each call limits nothing)"
    )
    upstream.assert_in_flight_at_once(
        LIMIT,
        reason=f"the calls ran one after another; {LIMIT} may run at once, so let them",
    )


def uneven_latency(request):
    """0.1 to 1.0 s, varying within every run of LIMIT products."""
    product = int(request.url.path.rsplit("/", 1)[1])
    return 0.1 * (1 + product * 7 % 10)


def time_below(limit, spans):
    """Seconds, from the first call's start to the last one's, with fewer than `limit` in flight."""
    last_start = max(start for start, _ in spans)
    moments = sorted({t for span in spans for t in span if t <= last_start})
    below = 0.0
    for now, then in pairwise(moments):
        if sum(start <= now < end for start, end in spans) < limit:
            below += then - now
    return below


async def test_a_call_that_ends_frees_its_slot_for_the_next(client, upstream):
    prices = upstream.endpoint(PRICES_URL, prefix=True, json=price_of, latency=uneven_latency)

    await client.get("/", within=60)

    assert prices.calls == 50, f"the view made {prices.calls} calls for 50 products"
    idle = time_below(LIMIT, prices.spans)
    assert idle < 0.001, (
        f"the API answered in 0.1 to 1.0 s, and for {idle:.1f} s (on the test's clock) fewer "
        f"than {LIMIT} calls were in flight while others had not started — a slot must take "
        f"the next call as soon as it is free; batches of {LIMIT} (a `gather` per batch) wait "
        f"for each batch's slowest call. Wrap each call in one shared "
        f"asyncio.Semaphore(LIMIT) instead"
    )
