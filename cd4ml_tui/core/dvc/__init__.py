"""What DVC's own files say: dvc.yaml (templated or not), dvc.lock, `.dvc` files, the experiment
queue, the ONE index of a revision's outs (`outs`) and the ONE view of a revision's files
(`view`: git tree or disk, then the local DVC cache), aware of the project's folder in the git
repo. The reader, plots and diffs all read revisions through `view.ProjectFiles`.

Never touches the network and never imports `dvc` at module level. May import `core.git`.
"""
