"""The fixture schools, all written through one layer of row writes (``rows``).

- ``small``: the widget tests' school (``small_school``), the storage tests' Fixture
  Primary (``add_small_school``) and Maya's worked example (``build_maya_school``).
- ``costed``: the hand-worked calendar and costing school (``make_school``,
  ``make_costed_school``) and its shorthands (``make_pupil``, ``make_group``...).
- ``map_school``: the school the provision map tests draw (``build_school``).
- ``pupils``: the pupil reports' school (``make_pupil_school``) and MIS files.
- ``exemplar``: the exemplar provision map and the school it names.
- ``templates``: each school built once per run into a file, copied for each test.
"""
