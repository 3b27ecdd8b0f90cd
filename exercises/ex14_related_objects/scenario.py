"""Outside check of exercise 14: both pages name each product's maker and each maker's products."""

from grader.sealed.scenario import Scenario, unexpected
from grader.sealed.site import Site

# Makers and their products, as the exercise's own tests stock them.
MAKERS = {"Brevia": ["Kettle", "Teapot"], "Coppa": ["Mug"], "Dalla": ["Toaster"]}
ROWS = (
    "from exercises.ex14_related_objects.models import Maker\n"
    f"for name, products in {MAKERS!r}.items():\n"
    "    maker = Maker.objects.create(name=name)\n"
    "    for product in products:\n"
    "        maker.products.create(name=product)\n"
)
CATALOGUE = "/related_objects/"
MAKERS_PAGE = "/related_objects/makers/"
PRODUCTS = {
    "products": sorted(
        ({"name": product, "maker": maker} for maker, names in MAKERS.items() for product in names),
        key=lambda item: item["name"],
    )
}
BY_MAKER = {"makers": [{"maker": maker, "products": names} for maker, names in MAKERS.items()]}


def check(site: Site) -> list[str]:
    return unexpected(CATALOGUE, site.request("GET", CATALOGUE), 200, PRODUCTS) + unexpected(
        MAKERS_PAGE, site.request("GET", MAKERS_PAGE), 200, BY_MAKER
    )


SCENARIO = Scenario(
    check=check,
    rows=ROWS,
    unconfirmed=(
        "how many queries a page runs: fetching each product's maker with a query of its own "
        "(the N+1 problem, in a worker thread) answers the same JSON"
    ),
)
