/**
 * The "Refer a friend" panel's buttons: copy the link (and say so), and the browser's own
 * share sheet where it has one (Web Share API). Plain script, no build step, no third party.
 */
( function () {
	'use strict';

	function copied( button ) {
		var status = button.parentNode.querySelector( '[data-passiton-copied]' );
		if ( status ) {
			status.textContent = status.getAttribute( 'data-text' );
			window.setTimeout( function () {
				status.textContent = '';
			}, 3000 );
		}
	}

	function copy( button ) {
		var field = document.getElementById( button.getAttribute( 'data-passiton-copy' ) );
		if ( ! field ) {
			return;
		}
		if ( navigator.clipboard && window.isSecureContext ) {
			navigator.clipboard.writeText( field.value ).then( function () {
				copied( button );
			}, function () {
				field.select();
			} );
			return;
		}
		// Without the async clipboard (plain http): select the text and use the old command.
		field.select();
		if ( document.execCommand && document.execCommand( 'copy' ) ) {
			copied( button );
		}
	}

	function share( button ) {
		navigator.share( {
			text: button.getAttribute( 'data-text' ),
			url: button.getAttribute( 'data-url' )
		} ).catch( function () {} ); // The shopper closed the sheet: nothing to do.
	}

	function setUp( root ) {
		root.querySelectorAll( '[data-passiton-share]' ).forEach( function ( button ) {
			if ( typeof navigator.share === 'function' ) {
				button.style.removeProperty( 'display' );
			}
		} );
	}

	document.addEventListener( 'click', function ( event ) {
		var target = event.target instanceof Element ? event.target : null;
		var button = target && target.closest( '[data-passiton-copy], [data-passiton-share], [data-passiton-launcher]' );
		if ( ! button ) {
			return;
		}
		if ( button.hasAttribute( 'data-passiton-copy' ) ) {
			copy( button );
		} else if ( button.hasAttribute( 'data-passiton-share' ) ) {
			share( button );
		} else {
			var dialog = document.getElementById( button.getAttribute( 'data-passiton-launcher' ) );
			if ( dialog && typeof dialog.showModal === 'function' ) {
				dialog.showModal();
			}
		}
	} );

	if ( document.readyState === 'loading' ) {
		document.addEventListener( 'DOMContentLoaded', function () {
			setUp( document );
		} );
	} else {
		setUp( document );
	}
}() );
