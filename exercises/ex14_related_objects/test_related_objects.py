"""The spec of exercise 14. Run it alone with `pytest exercises/ex14_related_objects`."""

import pytest
from asgiref.sync import sync_to_async

# The async ORM runs each query in a worker thread with a connection of its
# own: the test's rows must be committed for that connection to see them.
pytestmark = pytest.mark.django_db(transaction=True)

MAKERS = {"Brevia": ["Kettle", "Teapot"], "Cara": [], "Coppa": ["Mug"], "Dalla": ["Toaster"]}
MORE = {"Ember": ["Grill", "Wok"], "Fenno": ["Ladle"]}


@pytest.fixture
def stock(exercise_urlconf: str):
    """Adds makers and their products; imported here, once the exercise's code imports."""
    from exercises.ex14_related_objects.models import Maker, Product

    def add(makers: dict[str, list[str]]) -> None:
        for name, products in makers.items():
            maker = Maker.objects.create(name=name)
            Product.objects.bulk_create(Product(name=p, maker=maker) for p in products)

    add(MAKERS)
    return add


async def test_the_catalogue_names_each_products_maker(client, stock):
    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == {
        "products": [
            {"name": "Kettle", "maker": "Brevia"},
            {"name": "Mug", "maker": "Coppa"},
            {"name": "Teapot", "maker": "Brevia"},
            {"name": "Toaster", "maker": "Dalla"},
        ]
    }


async def test_the_makers_page_lists_each_makers_products(client, stock):
    response = await client.get("/makers/")

    assert response.status_code == 200
    listed = [entry.get("maker") for entry in response.json().get("makers", [])]
    childless = [maker for maker, products in MAKERS.items() if not products]
    assert all(maker in listed for maker in childless), (
        f"the makers page left out {', '.join(childless)}, a maker with no products — list "
        "the makers (a query on Maker), not the makers found among the products"
    )
    assert response.json() == {
        "makers": [{"maker": maker, "products": products} for maker, products in MAKERS.items()]
    }


def rows(page: str, makers: dict[str, list[str]]) -> str:
    if page == "/":
        return f"{sum(len(products) for products in makers.values())} products"
    return f"{len(makers)} makers"


@pytest.mark.parametrize(
    ("page", "fix"),
    [("/", '`.select_related("maker")`'), ("/makers/", '`.prefetch_related("products")`')],
)
async def test_more_rows_take_no_more_queries(client, stock, queries, page, fix):
    _, before = await queries.of(client.get(page))
    await sync_to_async(stock)(MORE)
    _, after = await queries.of(client.get(page))

    if prefetched_then_asked_again(queries.last):
        fix = (
            "the view prefetches the products, then asks a maker's `products` for a new "
            "queryset (`.order_by()`, `.filter()`), which runs a query of its own and ignores "
            'the prefetched rows: order them in the prefetch, `Prefetch("products", '
            'queryset=Product.objects.order_by("name"))`, or use `.all()`'
        )
    else:
        fix = f"fetch them with the main query, {fix}"
    assert after == before, (
        f"{page} took {before} queries for {rows(page, MAKERS)} and {after} for "
        f"{rows(page, MAKERS | MORE)}: the related rows are fetched one query at a time "
        f"(the N+1 problem) — {fix}"
    )


def prefetched_then_asked_again(statements: list[str]) -> bool:
    """The page fetched products for all makers at once (`maker_id IN (…)`) and then again
    for one maker at a time (`maker_id = …`)."""
    by_maker = [sql for sql in statements if 'FROM "ex14_related_objects_product"' in sql]
    return any('maker_id" IN (' in sql for sql in by_maker) and any(
        'maker_id" = ' in sql for sql in by_maker
    )
