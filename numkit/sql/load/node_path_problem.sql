-- What is wrong with a node path as a file writes it, or null when nothing is: more levels
-- or more characters than any real hierarchy has (VOSS's are some 5 to 10 levels deep), an
-- empty segment, or a segment with a space at either end (a typo that names another node). A load expands every path into the nodes above it, and every node into
-- its ancestors, work and memory that grow with the square of a path's levels (a 3,000-level
-- path, 6 KB of a file, takes gigabytes): a path past these bounds is refused as it is
-- read, before anything is expanded. The levels are counted without splitting the path.
create or replace temp macro node_path_problem(node) as
    case
        when length(node) - length(replace(node, '.', '')) + 1 > 32
        then 'a node path has ' || format('{:,}', length(node) - length(replace(node, '.', '')) + 1)
             || ' levels; at most 32 are allowed'
        when length(node) > 1000
        then 'a node path has ' || format('{:,}', length(node)) || ' characters; at most 1,000 '
             || 'are allowed'
        when starts_with(node, '.') or ends_with(node, '.') or contains(node, '..')
        then 'a node path has an empty segment'
        -- `Prov-1. Cust-1` would be a new node beside Cust-1, made without a word
        when contains(node, '. ') or contains(node, ' .')
        then 'a segment of the node path begins or ends with a space (next to a dot)'
    end;
