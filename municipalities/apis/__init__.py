"""The municipalities' API: SSI's lists (``ssi``), and the caseworker's tasks and citizens
(``tasks``). Every view asks ``outreach.access`` and calls the same selectors and services as the
pages."""
