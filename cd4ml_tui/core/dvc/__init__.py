"""What DVC's own files say: dvc.yaml (templated or not), dvc.lock, `.dvc` files, outs and their
local cache, the experiment queue, and one view of a revision's files (git tree or disk).

Never touches the network and never imports `dvc` at module level. May import `core.git`.
"""
